/**
 * Harness 3: relay memory. The real server runs in its own process (bench/relayProcess.ts, with
 * --expose-gc) and reports `process.memoryUsage()` after a full GC over IPC.
 *  - Idle rooms: N rooms each get a 1,000-shape board, then every client leaves; the rooms stay
 *    loaded (ROOM_IDLE_UNLOAD_MS = 1 h) and fall asleep (ROOM_SLEEP_AFTER_MS = 1 s: the doc kept
 *    encoded). Heap and RSS per room, then again with one idle client each (joining does not wake
 *    a room).
 *  - Join/leave: with ROOM_IDLE_UNLOAD_MS = 0, 1,000 rooms are opened, written to and left, twice;
 *    the heap should come back to its baseline each time.
 */
import { performance } from 'node:perf_hooks'
import type { MemReply } from '../relayProcess.ts'
import * as Y from 'yjs'
import { buildBoard, uploadBoard } from '../lib/board.ts'
import { openClient, waitUntil, whenReady, type Client, type RoomAccess } from '../lib/clients.ts'
import { ask, pool, processRssBytes, spawnRelay, type RelayProcess } from '../lib/processes.ts'
import { metric, type BenchResult } from '../lib/results.ts'
import { boardShapes } from '../lib/tldraw.ts'

const MiB = 2 ** 20
/** Idle time after which the relay keeps a room's doc encoded, in this harness (default 60 s). */
const SLEEP_AFTER_MS = 1_000
const mem = (relay: RelayProcess) => ask<MemReply>(relay, { type: 'mem' })
const rooms = (relay: RelayProcess, count: number) => ask<RoomAccess[]>(relay, { type: 'createRooms', count })

export async function runIdleRooms(count: number, shapes = 1000): Promise<BenchResult> {
  const relay = await spawnRelay('loopboard-ipc', {
    env: { ROOM_IDLE_UNLOAD_MS: '3600000', ROOM_SLEEP_AFTER_MS: String(SLEEP_AFTER_MS), LOG_LEVEL: 'warn' },
  })
  const clients: Client[] = []
  try {
    const board = buildBoard(shapes, 100)
    // Warm up the process (JIT, statements, ws) on one room that is not counted.
    await uploadBoard(relay.wsBase, (await rooms(relay, 1))[0]!, board)
    await new Promise((done) => setTimeout(done, SLEEP_AFTER_MS * 1.25 + 500)) // asleep too, like the rest
    const base = await mem(relay)
    const baseRss = processRssBytes(relay.pid)
    const access = await rooms(relay, count)
    const t0 = performance.now()
    await pool(access, 4, (room) => uploadBoard(relay.wsBase, room, board))
    const loadMs = performance.now() - t0
    await new Promise((done) => setTimeout(done, SLEEP_AFTER_MS * 1.25 + 500)) // every room asleep
    const loaded = await mem(relay)
    const loadedRss = processRssBytes(relay.pid)
    if (loaded.activeRooms !== count + 1)
      throw new Error(`expected ${count + 1} loaded rooms, relay has ${loaded.activeRooms}`)

    // One idle client per room on top (a participant with the tab open, doing nothing).
    await pool(access, 16, async (room) => {
      const client = openClient(relay.wsBase, room)
      clients.push(client)
      await whenReady(client, true)
    })
    const withClients = await mem(relay)
    const perRoom = (after: MemReply, key: 'heapUsed' | 'external' | 'rss') => (after[key] - base[key]) / count
    return {
      harness: 'memory',
      name: `${count} idle rooms x ${shapes} shapes`,
      params: {
        rooms: count,
        shapesPerRoom: shapes,
        boardStateBytes: board.stateBytes,
        roomIdleUnloadMs: 3_600_000,
        roomSleepAfterMs: SLEEP_AFTER_MS,
      },
      metrics: {
        heapPerRoom: metric(perRoom(loaded, 'heapUsed') / MiB, 'MiB'),
        externalPerRoom: metric(perRoom(loaded, 'external') / MiB, 'MiB'),
        heapAndExternalPerRoom: metric((perRoom(loaded, 'heapUsed') + perRoom(loaded, 'external')) / MiB, 'MiB'),
        rssPerRoom: metric((loadedRss - baseRss) / count / MiB, 'MiB'),
        heapPerRoomVsState: metric(perRoom(loaded, 'heapUsed') / board.stateBytes, 'x'),
        heapPerRoomWithClient: metric(perRoom(withClients, 'heapUsed') / MiB, 'MiB'),
        heapPerIdleClient: metric((withClients.heapUsed - loaded.heapUsed) / count / 1024, 'KiB'),
        heapBeforeRooms: metric(base.heapUsed / MiB, 'MiB'),
        loadedHeap: metric(loaded.heapUsed / MiB, 'MiB'),
        loadedRss: metric(loadedRss / MiB, 'MiB'),
        uploadTime: metric(loadMs / count, 'ms/room'),
      },
    }
  } finally {
    for (const client of clients) client.close()
    await relay.stop()
  }
}

export async function runJoinLeave(count: number, cycles = 2): Promise<BenchResult> {
  const relay = await spawnRelay('loopboard-ipc', { env: { ROOM_IDLE_UNLOAD_MS: '0', LOG_LEVEL: 'warn' } })
  try {
    const cycle = async (n: number) => {
      const access = await rooms(relay, n)
      await pool(access, 32, async (room) => {
        const client = openClient(relay.wsBase, room)
        try {
          await whenReady(client, true)
          const records = client.doc.getMap('tldraw')
          client.doc.transact(() => records.set('shape:x', 'small board'))
          // The frame must reach the relay before the socket closes.
          await waitUntil(() => client.provider.ws?.bufferedAmount === 0, 'frame to be sent', 5_000, 2)
          await new Promise((done) => setTimeout(done, 5))
        } finally {
          client.close()
        }
      })
      // Rooms unload on a 0 ms timer after their last socket closes.
      const deadline = performance.now() + 10_000
      while ((await ask<number>(relay, { type: 'activeRooms' })) > 0 && performance.now() < deadline) {
        await new Promise((done) => setTimeout(done, 50))
      }
      return mem(relay)
    }
    await cycle(20) // warm-up: first-use allocations are not a leak
    const base = await mem(relay)
    const after: MemReply[] = []
    for (let i = 0; i < cycles; i++) after.push(await cycle(count))
    const last = after[after.length - 1]!
    const metrics: BenchResult['metrics'] = {
      baselineHeap: metric(base.heapUsed / MiB, 'MiB'),
    }
    after.forEach((m, i) => {
      metrics[`heapAfterCycle${i + 1}`] = metric(m.heapUsed / MiB, 'MiB')
      metrics[`roomsLoadedAfterCycle${i + 1}`] = metric(m.activeRooms, 'count')
    })
    metrics.heapGrowth = metric((last.heapUsed - base.heapUsed) / MiB, 'MiB')
    metrics.heapGrowthPerRoom = metric((last.heapUsed - base.heapUsed) / (count * cycles), 'B/room')
    metrics.rssAfter = metric(last.rss / MiB, 'MiB')
    return {
      harness: 'memory',
      name: `${count} rooms join and leave x${cycles}`,
      params: { rooms: count, cycles, roomIdleUnloadMs: 0 },
      metrics,
    }
  } finally {
    await relay.stop()
  }
}

/**
 * The floor under the relay's per-room heap, measured in the bench process (needs --expose-gc):
 * one board held as the binding's nested Y.Maps, as whole-record values, and as plain objects.
 */
export function runYDocHeap(shapes: number, copies = 10): BenchResult {
  const gc = (globalThis as { gc?: () => void }).gc
  const name = `heap of one ${shapes}-shape board in a Y.Doc`
  if (!gc) return { harness: 'memory', name, params: { shapes }, metrics: {}, notes: ['needs node --expose-gc'] }
  const heap = () => {
    for (let i = 0; i < 3; i++) gc()
    return process.memoryUsage().heapUsed
  }
  const nested = Y.mergeUpdates(buildBoard(shapes, 100).updates)
  const records = boardShapes(shapes)
  const whole = (() => {
    const doc = new Y.Doc()
    const map = doc.getMap('tldraw')
    doc.transact(() => records.forEach((r) => map.set(r.id, r)))
    return Y.encodeStateAsUpdate(doc)
  })()
  const measure = (make: () => unknown) => {
    const keep: unknown[] = []
    const before = heap()
    for (let i = 0; i < copies; i++) keep.push(make())
    const perCopy = (heap() - before) / copies
    keep.length = 0
    return perCopy / MiB
  }
  const fromUpdate = (update: Uint8Array) => () => {
    const doc = new Y.Doc()
    Y.applyUpdate(doc, update)
    return doc
  }
  return {
    harness: 'memory',
    name,
    params: { shapes, copies, nestedStateBytes: nested.byteLength, wholeRecordStateBytes: whole.byteLength },
    metrics: {
      nestedYDoc: metric(measure(fromUpdate(nested)), 'MiB'),
      wholeRecordYDoc: metric(measure(fromUpdate(whole)), 'MiB'),
      plainJson: metric(
        measure(() => JSON.parse(JSON.stringify(records))),
        'MiB'
      ),
    },
  }
}
