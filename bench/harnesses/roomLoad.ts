/**
 * Harness 4: room load. How long a room with a 1,000- or 4,000-shape board takes
 *  - to come back from storage (the `SyncRoom` constructor: SQLite read + applying snapshot and
 *    log to a fresh Y.Doc), from a snapshot alone, a snapshot plus a 499-update log tail (the most
 *    `SNAPSHOT_EVERY_UPDATES = 500` leaves), and a log alone (no snapshot was ever written);
 *  - to sync to a fresh headless client through the relay process, until its bound tldraw store
 *    holds every shape (connect → sync step 2 → bind, as the web client does after sync).
 * Browser-to-interactive time is out of scope here (no browser in this harness).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { bindStoreToYDoc } from '@loopboard/tldraw-yjs'
import * as Y from 'yjs'
import { createLogger } from '../../server/src/logger.ts'
import { SqliteStorage } from '../../server/src/storage/SqliteStorage.ts'
import { asyncStorage } from '../../server/src/storage/AsyncStorage.ts'
import { SyncRoom } from '../../server/src/sync/SyncRoom.ts'
import type { LoadReply } from '../relayProcess.ts'
import { boardRecords, buildBoard, uploadBoard, type Board } from '../lib/board.ts'
import { openClient, whenReady, type RoomAccess } from '../lib/clients.ts'
import { ask, spawnRelay } from '../lib/processes.ts'
import { metric, quantile, type BenchResult } from '../lib/results.ts'
import { makeStore, shapeCount } from '../lib/tldraw.ts'

const TAIL = 499
const median = (xs: number[]) =>
  quantile(
    [...xs].sort((a, b) => a - b),
    0.5
  )

/** Time the `SyncRoom` constructor over a storage laid out as `layout`, `reps` times. */
function timeConstructor(board: Board, layout: 'snapshot' | 'snapshot+tail' | 'log', reps: number) {
  const dir = mkdtempSync(join(tmpdir(), 'loopboard-bench-load-'))
  const storage = new SqliteStorage(join(dir, 'load.db'))
  try {
    const roomId = 'load'
    storage.createRoom({ id: roomId, title: 'load', createdAt: 0 }, { interviewer: 'a', candidate: 'b', observer: 'c' })
    const tail = layout === 'snapshot+tail' ? board.updates.slice(-TAIL) : []
    const head = layout === 'snapshot+tail' ? board.updates.slice(0, -TAIL) : board.updates
    let seq = 0
    if (layout === 'log') {
      for (const update of head) storage.appendUpdate(roomId, { seq: ++seq, ts: 0, author: 'interviewer', update })
    } else {
      seq = head.length
      // As the relay writes it: the state of a doc the updates were applied to.
      const doc = new Y.Doc()
      for (const update of head) Y.applyUpdate(doc, update)
      storage.saveSnapshot(roomId, seq, Y.encodeStateAsUpdate(doc), 0)
      doc.destroy()
    }
    for (const update of tail) storage.appendUpdate(roomId, { seq: ++seq, ts: 0, author: 'interviewer', update })
    const logger = createLogger('silent')
    const times: number[] = []
    let records = 0
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now()
      const room = new SyncRoom(
        { roomId, storage: asyncStorage(storage), logger, snapshotEveryUpdates: 500 },
        storage.loadRoomState(roomId)
      )
      times.push(performance.now() - t0)
      records = room.doc.getMap('tldraw').size
      room.destroy(1001, 'bench')
    }
    if (records !== boardRecords(board)) throw new Error(`loaded ${records} records, expected ${boardRecords(board)}`)
    return { ms: median(times), logEntries: layout === 'log' ? head.length : tail.length }
  } finally {
    storage.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Upload the board through the relay, let the room unload, then time a fresh client's join. */
async function timeJoin(board: Board, reps: number) {
  const relay = await spawnRelay('loopboard-ipc', { env: { ROOM_IDLE_UNLOAD_MS: '0', LOG_LEVEL: 'warn' } })
  try {
    const [room] = await ask<RoomAccess[]>(relay, { type: 'createRooms', count: 1 })
    await uploadBoard(relay.wsBase, room!, board, 120_000)
    const unloaded = async () => {
      const deadline = performance.now() + 10_000
      while ((await ask<number>(relay, { type: 'activeRooms' })) > 0 && performance.now() < deadline) {
        await new Promise((done) => setTimeout(done, 20))
      }
    }
    const inRelay: LoadReply[] = []
    const open: number[] = []
    const sync: number[] = []
    const bind: number[] = []
    for (let i = 0; i < reps; i++) {
      await unloaded()
      inRelay.push(await ask<LoadReply>(relay, { type: 'loadRoom', roomId: room!.roomId }))
      const t0 = performance.now()
      const client = openClient(relay.wsBase, room!)
      try {
        await whenReady(client, false, 60_000)
        const t1 = performance.now()
        await whenReady(client, true, 60_000)
        const t2 = performance.now()
        const store = makeStore()
        const unbind = bindStoreToYDoc({ store, doc: client.doc })
        const t3 = performance.now()
        if (shapeCount(store) !== board.shapes) throw new Error(`store holds ${shapeCount(store)} shapes`)
        open.push(t1 - t0)
        sync.push(t2 - t1)
        bind.push(t3 - t2)
        unbind()
        store.dispose()
      } finally {
        client.close()
      }
    }
    return { inRelay, open: median(open), sync: median(sync), bind: median(bind) }
  } finally {
    await relay.stop()
  }
}

export async function runRoomLoad(shapes: number, reps: number): Promise<BenchResult> {
  // One shape per update, as people draw them; then drags, so the log has a tail after the snapshot.
  const board = buildBoard(shapes, 1, TAIL)
  const snapshot = timeConstructor(board, 'snapshot', reps)
  const withTail = timeConstructor(board, 'snapshot+tail', reps)
  const logOnly = timeConstructor(board, 'log', reps)
  const join = await timeJoin(board, reps)
  const relayConstruct = median(join.inRelay.map((r) => r.constructMs))
  return {
    harness: 'room-load',
    name: `${shapes}-shape board`,
    params: { shapes, updates: board.updates.length, stateBytes: board.stateBytes, reps, tailUpdates: TAIL },
    metrics: {
      loadFromSnapshot: metric(snapshot.ms, 'ms'),
      loadFromSnapshotPlusTail: metric(withTail.ms, 'ms'),
      loadFromLogOnly: metric(logOnly.ms, 'ms'),
      loadInRelayProcess: metric(relayConstruct, 'ms'),
      sqliteReadInRelay: metric(median(join.inRelay.map((r) => r.readMs)), 'ms'),
      joinSocketOpen: metric(join.open, 'ms'),
      joinOpenToSynced: metric(join.sync, 'ms'),
      joinBindStore: metric(join.bind, 'ms'),
      joinTotal: metric(join.open + join.sync + join.bind, 'ms'),
    },
    notes: ['the room is unloaded before each join, so the join includes the relay loading it from SQLite'],
  }
}
