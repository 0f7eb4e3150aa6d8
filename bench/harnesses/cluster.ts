/**
 * Harness `cluster` (issue 12): the same load on three setups, side by side —
 * - `embedded`: one relay process on SQLite, clients straight to it (today's default);
 * - `1 relay`: one relay on Postgres + Redis behind HAProxy;
 * - `2 relays`: two relays on Postgres + Redis behind HAProxy, each room's writer on one relay and
 *   its receiver on the other, so every delivery is relay to relay (commit, Redis, fan-out).
 * Each room has a writer moving one shape at `hz` and a receiver; reported: latency p50/p99,
 * delivered share, messages per second, and CPU per delivered message of every component
 * (relays, Postgres, Redis, HAProxy, the load generator), from /proc — which is what says what
 * limits scaling when all of it shares the same 2 cores.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { ROUTING_ROOM_PARAM } from '@loopboard/protocol'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { routeKeyFor } from '../../server/src/test/clusterClients.ts'
import { clusterUnavailable, startCluster } from '../../server/src/test/clusterFixture.ts'
import { TestContext } from '../../server/src/test/helpers.ts'
import { spawnServer } from '../../server/src/test/serverProcess.ts'
import { waitUntil } from '../lib/clients.ts'
import { processCpuSeconds } from '../lib/processes.ts'
import { metric, quantile, type BenchResult } from '../lib/results.ts'

export type ClusterSetup = 'embedded' | '1 relay' | '2 relays'
export const CLUSTER_SETUPS: ClusterSetup[] = ['embedded', '1 relay', '2 relays']

export interface ClusterStep {
  setup: ClusterSetup
  rooms: number
  hz: number
  warmupS: number
  durationS: number
  drainS: number
}

/** Per-address limits off: every bench client comes from 127.0.0.1. */
const UNLIMITED = {
  RATE_ROOMS_PER_MINUTE: '100000',
  RATE_AUTH_FAILURES_PER_MINUTE: '100000',
  MAX_CONNECTIONS_PER_ADDRESS: '100000',
}
/** Every bench client connects from 127.0.0.1: HAProxy's per-address cap would count them as one. */
const UNLIMITED_PER_SOURCE = 100_000

interface Target {
  /** Where a room is created (POST /api/rooms). */
  httpBase: string
  wsBase: string
  /** Routing keys for the writer and the receiver (null: straight to the relay, no HAProxy). */
  keys: [string, string] | null
  pids: () => Record<string, number[]>
}

interface Room {
  writer: WebsocketProvider
  receiver: WebsocketProvider
  sendTimes: Float64Array
  received: Uint8Array
}

export async function runClusterStep(step: ClusterStep): Promise<BenchResult> {
  const ctx = new TestContext()
  const notes: string[] = []
  const providers: WebsocketProvider[] = []
  try {
    const target = await startTarget(ctx, step.setup)
    const open = (roomId: string, token: string, key: string | null) => {
      const params: Record<string, string> = { token }
      if (key) params[ROUTING_ROOM_PARAM] = key
      const provider = new WebsocketProvider(target.wsBase, roomId, new Y.Doc(), {
        WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
        params,
        disableBc: true,
      })
      providers.push(provider)
      return provider
    }
    const capacity = Math.ceil((step.warmupS + step.durationS + 2) * step.hz) + 16
    const rooms: Room[] = []
    for (let i = 0; i < step.rooms; i++) {
      const res = await fetch(`${target.httpBase}/api/rooms`, { method: 'POST', body: '{}' })
      if (res.status !== 201) throw new Error(`POST /api/rooms answered ${res.status}`)
      const { roomId, tokens } = (await res.json()) as {
        roomId: string
        tokens: { interviewer: string; candidate: string }
      }
      const [writerKey, receiverKey] = target.keys ?? [null, null]
      rooms.push({
        writer: open(roomId, tokens.candidate, writerKey),
        receiver: open(roomId, tokens.interviewer, receiverKey),
        sendTimes: new Float64Array(capacity),
        received: new Uint8Array(capacity),
      })
    }
    await waitUntil(() => providers.every((p) => p.wsconnected && p.synced), 'every client to sync', 30_000)

    const samples: number[] = []
    let windowStart = Infinity
    let windowEnd = Infinity
    let sent = 0
    let delivered = 0
    for (const room of rooms) {
      const map = room.receiver.doc.getMap<number>('bench')
      map.observe(() => {
        const now = performance.now()
        const seq = map.get('seq')
        if (seq === undefined || room.received[seq]) return
        room.received[seq] = 1
        const at = room.sendTimes[seq]!
        if (at >= windowStart && at < windowEnd) {
          delivered++
          samples.push(now - at)
        }
      })
    }

    const period = 1000 / step.hz
    const dt = period / step.rooms
    const t0 = performance.now() + 20
    windowStart = t0 + step.warmupS * 1000
    windowEnd = windowStart + step.durationS * 1000
    let cpu0: Record<string, number> = {}
    let bench0 = process.cpuUsage()
    let measuring = false
    let j = 0
    await new Promise<void>((done) => {
      const tick = () => {
        const now = performance.now()
        if (!measuring && now >= windowStart) {
          measuring = true
          cpu0 = componentCpu(target.pids())
          bench0 = process.cpuUsage()
        }
        if (now >= windowEnd) return done()
        for (let due = t0 + j * dt; due <= now; due = t0 + ++j * dt) {
          const room = rooms[j % step.rooms]!
          const seq = Math.floor(j / step.rooms)
          if (now - due > period || seq >= capacity) continue
          room.sendTimes[seq] = performance.now()
          if (room.sendTimes[seq]! >= windowStart) sent++
          room.writer.doc.getMap<number>('bench').set('seq', seq)
        }
        setTimeout(tick, 1)
      }
      tick()
    })
    const cpu1 = componentCpu(target.pids())
    const benchUsage = process.cpuUsage(bench0)
    const wallS = (performance.now() - windowStart) / 1000
    await waitUntil(() => delivered >= sent, 'in-flight updates', step.drainS * 1000, 20).catch(() =>
      notes.push(`after ${step.drainS} s, ${sent - delivered} of ${sent} updates undelivered`)
    )

    const sorted = samples.sort((a, b) => a - b)
    const cpuPerMsg = (seconds: number) => metric(delivered ? (seconds * 1e6) / delivered : NaN, 'µs')
    const metrics: BenchResult['metrics'] = {
      p50: metric(quantile(sorted, 0.5), 'ms'),
      p99: metric(quantile(sorted, 0.99), 'ms'),
      deliveredFraction: metric(sent ? delivered / sent : 0, 'fraction'),
      deliveredPerS: metric(delivered / step.durationS, 'msg/s'),
    }
    let total = 0
    for (const [component, seconds] of Object.entries(cpu1)) {
      const used = Math.max(0, seconds - (cpu0[component] ?? 0))
      total += used
      metrics[`cpuPerMsg_${component}`] = cpuPerMsg(used)
      metrics[`cpu_${component}`] = metric((100 * used) / wallS, '% of a core')
    }
    const benchSeconds = (benchUsage.user + benchUsage.system) / 1e6
    metrics.cpuPerMsg_server = cpuPerMsg(total)
    metrics.cpuPerMsg_loadGenerator = cpuPerMsg(benchSeconds)
    metrics.cpu_total = metric((100 * (total + benchSeconds)) / wallS, '% of a core')
    return {
      harness: 'cluster',
      name: `${step.setup} ${step.rooms} rooms`,
      params: { ...step },
      metrics,
      notes,
    }
  } finally {
    for (const provider of providers) provider.destroy()
    await ctx.cleanup()
  }
}

async function startTarget(ctx: TestContext, setup: ClusterSetup): Promise<Target> {
  if (setup === 'embedded') {
    const proc = await spawnServer(ctx, ctx.tempDir('loopboard-bench-'), UNLIMITED)
    return { httpBase: proc.httpBase, wsBase: proc.wsBase, keys: null, pids: () => ({ relays: [proc.child.pid!] }) }
  }
  const unavailable = clusterUnavailable()
  if (unavailable) throw new Error(unavailable)
  const cluster = await startCluster(ctx, {
    relays: setup === '1 relay' ? 1 : 2,
    env: UNLIMITED,
    maxConnectionsPerSource: UNLIMITED_PER_SOURCE,
  })
  const keys: [string, string] =
    setup === '1 relay'
      ? [await routeKeyFor(cluster, 'relay-0'), await routeKeyFor(cluster, 'relay-0')]
      : [await routeKeyFor(cluster, 'relay-0'), await routeKeyFor(cluster, 'relay-1')]
  return { httpBase: cluster.url, wsBase: cluster.wsBase, keys, pids: () => cluster.pids() }
}

/** CPU seconds used so far by each component: its processes and all their descendants. */
function componentCpu(pids: Record<string, number[]>): Record<string, number> {
  const children = new Map<number, number[]>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)])
    } catch {
      // gone meanwhile
    }
  }
  const out: Record<string, number> = {}
  for (const [component, roots] of Object.entries(pids)) {
    let seconds = 0
    const stack = [...roots]
    while (stack.length) {
      const pid = stack.pop()!
      try {
        seconds += processCpuSeconds(pid)
      } catch {
        // exited
      }
      stack.push(...(children.get(pid) ?? []))
    }
    out[component] = seconds
  }
  return out
}

/** What the figures say about scaling on this machine, in a few lines. */
export function clusterVerdict(results: BenchResult[], cores: number): string[] {
  const lines: string[] = []
  const byRooms = new Map<number, BenchResult[]>()
  for (const r of results) {
    const rooms = r.params.rooms as number
    byRooms.set(rooms, [...(byRooms.get(rooms) ?? []), r])
  }
  for (const [rooms, step] of byRooms) {
    const find = (setup: ClusterSetup) => step.find((r) => r.params.setup === setup && r.metrics.cpuPerMsg_server)
    const embedded = find('embedded')
    const two = find('2 relays')
    if (!embedded || !two) continue
    const share = Object.entries(two.metrics)
      .filter(([k]) => k.startsWith('cpuPerMsg_') && !['cpuPerMsg_server', 'cpuPerMsg_loadGenerator'].includes(k))
      .map(([k, m]) => [k.slice('cpuPerMsg_'.length), m.value] as const)
      .sort((a, b) => b[1] - a[1])
    const server = two.metrics.cpuPerMsg_server!.value
    lines.push(
      `${rooms} rooms: a message costs ${server.toFixed(0)} µs of server CPU across 2 relays behind HAProxy ` +
        `(${(server / embedded.metrics.cpuPerMsg_server!.value).toFixed(1)}× the embedded relay's ` +
        `${embedded.metrics.cpuPerMsg_server!.value.toFixed(0)} µs); by component: ` +
        share.map(([c, v]) => `${c} ${v.toFixed(0)} µs (${((100 * v) / server).toFixed(0)}%)`).join(', ') +
        '.'
    )
  }
  if (lines.length)
    lines.push(
      `On ${cores} cores every component (relays, Postgres, Redis, HAProxy and the load generator) shares the same ` +
        'cores, so a second relay adds no capacity here: each message is committed to Postgres, published to Redis ' +
        'and forwarded by HAProxy, which costs more CPU than the embedded relay spends on it. Scaling out pays when ' +
        'relays, Postgres and Redis run on machines of their own; it buys failover on one machine, not throughput.'
    )
  return lines
}
