/**
 * Harness 1: relay latency and throughput. For each load step and each relay (raw floor,
 * y-websocket-server, Loopboard), every room has one writer and one receiver, both stock
 * `WebsocketProvider`s. The writer moves one tldraw-shaped record (a nested Y.Map of fields, as
 * the binding writes it) at `hz`, changing `x` and `y` in one transaction; `x` encodes the
 * per-room sequence number, and the receiver looks up the send time on the same clock.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { recordToYMap } from '@loopboard/tldraw-yjs'
import type * as Y from 'yjs'
import { makeRooms, openClient, waitUntil, whenReady, type Client, type RoomAccess } from '../lib/clients.ts'
import {
  pool,
  processCpuSeconds,
  processRssBytes,
  spawnRelay,
  systemCpuSeconds,
  type RelayKind,
} from '../lib/processes.ts'
import { metric, quantile, type BenchResult } from '../lib/results.ts'
import { makeShape, rng } from '../lib/tldraw.ts'
import { pairedRatio } from '../lib/trials.ts'

export interface LatencyStep {
  relay: RelayKind
  rooms: number
  hz: number
  warmupS: number
  durationS: number
  /** Time allowed after the window for frames still in flight. */
  drainS: number
  /** Extra node flags for the relay process (e.g. `--cpu-prof`). */
  nodeFlags?: string[]
}

const ELD_RESOLUTION_MS = 1
/** The histogram counts the sampling interval itself; report only the delay beyond it. */
const loopDelay = (ns: number) => Math.max(0, ns / 1e6 - ELD_RESOLUTION_MS)
const X0 = 1000.1234567 // x = X0 + seq: a float64 on the wire, like a real drag
const SHAPE_ID = 'shape:bench'

interface Room {
  writer: Client
  receiver: Client
  shape: Y.Map<unknown> | null
  sendTimes: Float64Array
  received: Uint8Array
}

export async function runLatencyStep(step: LatencyStep): Promise<BenchResult> {
  const { rooms: roomCount, hz } = step
  const relay = await spawnRelay(step.relay, { nodeFlags: step.nodeFlags })
  const notes: string[] = []
  const rooms: Room[] = []
  // Every client opened, even for a room that never got ready, so cleanup closes them all.
  const opened: Client[] = []
  let stopped = false
  const open = (room: RoomAccess) => {
    if (stopped) throw new Error('step aborted')
    const client = openClient(relay.wsBase, room)
    opened.push(client)
    return client
  }
  try {
    const access = await makeRooms(relay, roomCount, `lat${roomCount}`)
    const capacity = Math.ceil((step.warmupS + step.durationS + 2) * hz) + 16
    const connectStart = performance.now()
    const needSync = step.relay !== 'raw'
    await pool(access, 32, async (room) => {
      // Receiver first, so on the raw relay the writer's sync step 1 has someone to answer it.
      const receiver = open(room)
      await whenReady(receiver, needSync)
      const writer = open(room)
      await whenReady(writer, needSync)
      rooms.push({
        writer,
        receiver,
        shape: null,
        sendTimes: new Float64Array(capacity),
        received: new Uint8Array(capacity),
      })
    })
    const connectMs = performance.now() - connectStart

    // One shape per room, written as the binding writes a record; wait until every receiver has it.
    const r = rng(7)
    const record = makeShape('geo', 'bench', 'a2', r)
    for (const room of rooms) {
      const records = room.writer.doc.getMap<Y.Map<unknown>>('tldraw')
      room.shape = recordToYMap({ ...record, id: SHAPE_ID, x: X0, y: 0 })
      records.set(SHAPE_ID, room.shape)
    }
    await waitUntil(
      () => rooms.every((room) => room.receiver.doc.getMap('tldraw').has(SHAPE_ID)),
      'every receiver to hold the shape',
      30_000
    )

    const samples = new Float64Array(Math.ceil(roomCount * hz * (step.durationS + 1)) + 16)
    let sampleCount = 0
    let windowStart = Infinity
    let windowEnd = Infinity
    let sentInWindow = 0
    let deliveredInWindow = 0
    let skipped = 0

    for (const room of rooms) {
      const records = room.receiver.doc.getMap<Y.Map<unknown>>('tldraw')
      records.observeDeep(() => {
        const now = performance.now()
        const x = records.get(SHAPE_ID)?.get('x')
        if (typeof x !== 'number') return
        const seq = Math.round(x - X0)
        const sent = room.sendTimes[seq]
        if (!sent || room.received[seq]) return
        room.received[seq] = 1
        if (sent >= windowStart && sent < windowEnd) {
          deliveredInWindow++
          if (sampleCount < samples.length) samples[sampleCount++] = now - sent
        }
      })
    }

    // Sends are spread evenly: global send j goes to room j % rooms at t0 + j * (period / rooms).
    const period = 1000 / hz
    const dt = period / roomCount
    const t0 = performance.now() + 20
    windowStart = t0 + step.warmupS * 1000
    windowEnd = windowStart + step.durationS * 1000
    const eld = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS })
    let j = 0
    let relayCpu0 = 0
    let system0 = systemCpuSeconds()
    let benchCpu0 = process.cpuUsage()
    let measuring = false
    const y = (seq: number) => 200.5 + Math.sin(seq / 10) * 50

    await new Promise<void>((done) => {
      const tick = () => {
        const now = performance.now()
        if (!measuring && now >= windowStart) {
          measuring = true
          relayCpu0 = processCpuSeconds(relay.pid)
          benchCpu0 = process.cpuUsage()
          system0 = systemCpuSeconds()
          eld.enable()
        }
        if (now >= windowEnd) return done()
        for (let due = t0 + j * dt; due <= now; due = t0 + ++j * dt) {
          const room = rooms[j % roomCount]!
          const seq = Math.floor(j / roomCount)
          // A send more than a period late is skipped, not bunched: the writer could not keep up.
          if (now - due > period || seq >= capacity) {
            skipped++
            continue
          }
          const sentAt = performance.now()
          room.sendTimes[seq] = sentAt
          if (sentAt >= windowStart) sentInWindow++
          room.writer.doc.transact(() => {
            room.shape!.set('x', X0 + seq)
            room.shape!.set('y', y(seq))
          })
        }
        setTimeout(tick, 1)
      }
      tick()
    })
    const relayCpu = processCpuSeconds(relay.pid) - relayCpu0
    const benchUsage = process.cpuUsage(benchCpu0)
    const benchCpu = (benchUsage.user + benchUsage.system) / 1e6
    const system1 = systemCpuSeconds()
    eld.disable()
    const wallS = (performance.now() - windowStart) / 1000

    const drainStart = performance.now()
    await waitUntil(() => deliveredInWindow >= sentInWindow, 'in-flight frames', step.drainS * 1000, 20).catch(() =>
      notes.push(`after ${step.drainS} s drain, ${sentInWindow - deliveredInWindow} frames still undelivered`)
    )
    const drainMs = performance.now() - drainStart
    const rss = processRssBytes(relay.pid)

    const sorted = samples.slice(0, sampleCount).sort()
    const target = roomCount * hz * step.durationS
    const deliveredFraction = sentInWindow ? deliveredInWindow / sentInWindow : 0
    if (sentInWindow < target * 0.95) {
      notes.push(
        `writers sent only ${((100 * sentInWindow) / target).toFixed(1)}% of the target rate (the bench process fell behind: saturated or stalled)`
      )
    }
    return {
      harness: 'relay-latency',
      name: `${step.relay} ${roomCount} rooms`,
      params: {
        relay: step.relay,
        rooms: roomCount,
        clientsPerRoom: 2,
        hz,
        ...pickTimes(step),
        nodeFlags: relay.nodeFlags.join(' '),
        ...(step.relay === 'loopboard' ? { serverSource: relay.source } : {}),
      },
      metrics: {
        p50: metric(quantile(sorted, 0.5), 'ms'),
        p95: metric(quantile(sorted, 0.95), 'ms'),
        p99: metric(quantile(sorted, 0.99), 'ms'),
        max: metric(sorted.length ? sorted[sorted.length - 1]! : NaN, 'ms'),
        sentPerS: metric(sentInWindow / step.durationS, 'msg/s'),
        deliveredPerS: metric(deliveredInWindow / step.durationS, 'msg/s'),
        deliveredFraction: metric(deliveredFraction, 'fraction'),
        deliveredOfTarget: metric(deliveredInWindow / target, 'fraction'),
        skippedSends: metric(skipped, 'count'),
        relayCpu: metric((100 * relayCpu) / wallS, '% of a core'),
        // Relay CPU per message it received and forwarded (one in, one out per receiver here).
        relayCpuPerMsg: metric(deliveredInWindow ? (relayCpu * 1e6) / deliveredInWindow : NaN, 'µs'),
        relayRss: metric(rss / 2 ** 20, 'MiB'),
        benchCpu: metric((100 * benchCpu) / wallS, '% of a core'),
        // Everything else on the machine during the window (other users' processes): contention.
        otherCpu: metric((100 * Math.max(0, system1.busy - system0.busy - relayCpu - benchCpu)) / wallS, '% of a core'),
        iowait: metric((100 * (system1.iowait - system0.iowait)) / wallS, '% of a core'),
        benchLoopDelayP99: metric(loopDelay(eld.percentile(99)), 'ms'),
        benchLoopDelayMax: metric(loopDelay(eld.max), 'ms'),
        connectTime: metric(connectMs, 'ms'),
        drainTime: metric(drainMs, 'ms'),
      },
      notes,
    }
  } finally {
    stopped = true
    for (const client of opened) client.close()
    await relay.stop()
  }
}

const pickTimes = (step: LatencyStep) => ({
  warmupS: step.warmupS,
  durationS: step.durationS,
  drainS: step.drainS,
  profiled: Boolean(step.nodeFlags?.length),
})

/**
 * Ratios of `result`'s latency and CPU to the same step on another relay; for a step run as
 * trials, the median of the ratios of each turn's runs.
 */
export function latencyRatios(result: BenchResult, floor: BenchResult | undefined): Record<string, number> | null {
  if (!floor) return null
  const out: Record<string, number> = {}
  for (const key of ['p50', 'p95', 'p99', 'max', 'relayCpu', 'relayCpuPerMsg', 'deliveredOfTarget']) {
    if (result.metrics[key] === undefined || floor.metrics[key] === undefined) continue
    const ratio = pairedRatio(result, floor, key)
    if (Number.isFinite(ratio)) out[key] = Math.round(ratio * 100) / 100
  }
  return out
}
