/**
 * Harness: attacks on one room of a real relay process, each next to a bystander room whose
 * edit latency is measured with and without the attack (issue bound: within 2×), with the
 * relay's peak RSS growth (bound: < 200 MB) and the slowest /healthz answer during the attack.
 * The attacks themselves are the ones the test suite runs (server/src/test/attackers.ts).
 */
import { performance } from 'node:perf_hooks'
import {
  bigAwarenessNonReaders,
  crowd,
  healthLatency,
  peakGrowth,
  pendingFlood,
  type Target,
} from '../../server/src/test/attackers.ts'
import { openClient, waitUntil, whenReady, makeRooms } from '../lib/clients.ts'
import { spawnRelay } from '../lib/processes.ts'
import { metric, quantile, type BenchResult } from '../lib/results.ts'

const MiB = 2 ** 20

const ATTACKS: Array<[string, (target: Target) => Promise<void>]> = [
  ['big awareness + tiny requests, non-reading', (t) => bigAwarenessNonReaders(t, 20, 5_000)],
  ['pending flood', (t) => pendingFlood(t, 20, 3_000)],
  ['300 sockets in one room', (t) => crowd(t, 300, 5_000)],
]

/** Edit-to-peer latencies (ms) in the bystander room while `during` runs (or for `idleMs`). */
async function editLatencies(
  wsBase: string,
  access: { roomId: string; token: string },
  during: Promise<void>,
  label: string
) {
  const a = openClient(wsBase, access)
  const b = openClient(wsBase, access)
  await Promise.all([whenReady(a, true), whenReady(b, true)])
  const samples: number[] = []
  let running = true
  void during.finally(() => (running = false))
  for (let i = 0; running || samples.length < 20; i++) {
    const t0 = performance.now()
    a.doc.getMap('records').set(`${label}${i}`, i)
    await waitUntil(() => b.doc.getMap('records').has(`${label}${i}`), 'bystander edit', 10_000, 1)
    samples.push(performance.now() - t0)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  a.close()
  b.close()
  return samples.sort((x, y) => x - y)
}

export async function runAttacks(): Promise<BenchResult[]> {
  const results: BenchResult[] = []
  for (const [name, attack] of ATTACKS) {
    const relay = await spawnRelay('loopboard')
    try {
      const [victim, bystander] = await makeRooms(relay, 2, 'attack')
      const baseline = await editLatencies(relay.wsBase, bystander!, new Promise((r) => setTimeout(r, 2_000)), 'base')
      let worstHealthMs = 0
      let attacked: number[] = []
      const growth = await peakGrowth(relay.pid, async () => {
        const running = attack({ httpBase: relay.httpBase, wsBase: relay.wsBase, ...victim! })
        const health = (async () => {
          let done = false
          void running.finally(() => (done = true))
          while (!done) {
            const ms = await healthLatency(relay.httpBase, 5_000).catch(() => Infinity)
            worstHealthMs = Math.max(worstHealthMs, ms)
            await new Promise((r) => setTimeout(r, 100))
          }
        })()
        attacked = await editLatencies(relay.wsBase, bystander!, running, 'attack')
        await health
      })
      const p50 = (s: number[]) => quantile(s, 0.5)
      results.push({
        harness: 'attacks',
        name,
        params: {},
        metrics: {
          rssGrowth: metric(growth / MiB, 'MiB'),
          // Infinity: /healthz did not answer within 5 s at least once.
          worstHealthz: metric(worstHealthMs, 'ms'),
          bystanderEditP50: metric(p50(attacked), 'ms'),
          bystanderEditP50Baseline: metric(p50(baseline), 'ms'),
          bystanderSlowdown: metric(p50(attacked) / p50(baseline), 'x'),
        },
      })
    } finally {
      await relay.stop()
    }
  }
  return results
}
