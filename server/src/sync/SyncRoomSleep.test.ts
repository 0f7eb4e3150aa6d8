import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createLogger } from '../logger.ts'
import { asyncStorage } from '../storage/AsyncStorage.ts'
import { SqliteStorage } from '../storage/SqliteStorage.ts'
import { FakeConn } from '../test/FakeConn.ts'
import { decodeFrame, syncStep1Frame, updateFrame } from '../test/helpers.ts'
import { SyncRoom } from './SyncRoom.ts'

const ROOM = 'room-1'
const IDLE_MS = 60_000

let storage: SqliteStorage
let clock: number

beforeEach(() => {
  storage = new SqliteStorage(':memory:')
  storage.createRoom(
    { id: ROOM, title: 'Test', createdAt: 0 },
    { interviewer: 'h-i', candidate: 'h-c', observer: 'h-o' }
  )
  clock = 1_700_000_000_000
})
afterEach(() => storage.close())

const makeRoom = () =>
  SyncRoom.load({
    roomId: ROOM,
    storage: asyncStorage(storage),
    logger: createLogger('silent'),
    snapshotEveryUpdates: 100,
    now: () => clock,
  })

/** A client's doc with `n` shapes in the board map, and the update that made them. */
function board(n: number, doc = new Y.Doc()) {
  const before = Y.encodeStateVector(doc)
  doc.transact(() => {
    const map = doc.getMap('tldraw')
    for (let i = 0; i < n; i++) map.set(`shape:${map.size}`, { x: i })
  })
  return { doc, update: Y.encodeStateAsUpdate(doc, before) }
}

/** Everything `conn` was sent as sync step 2 or update, applied to a fresh doc. */
function received(conn: FakeConn, doc = new Y.Doc()) {
  for (const frame of conn.sent.map(decodeFrame)) {
    if (frame.type === 'sync' && (frame.sub === 1 || frame.sub === 2)) Y.applyUpdate(doc, frame.payload)
  }
  return doc
}

describe('SyncRoom: sleeping while the board is idle', () => {
  it('sleeps only after the idle time, serves a joiner the whole board asleep, and wakes on an edit', async () => {
    const room = await makeRoom()
    const writer = new FakeConn(1, 'interviewer')
    room.join(writer)
    const a = board(50)
    room.receive(writer, updateFrame(a.update))
    await room.committed()

    clock += IDLE_MS - 1
    expect(room.sleepIfIdle(IDLE_MS)).toBe(false)
    clock += 1
    expect(room.sleepIfIdle(IDLE_MS)).toBe(true)
    expect(room.asleep).toBe(true)

    // A new participant joins: sync step 1 both ways, answered from the encoded state.
    const joiner = new FakeConn(2, 'candidate')
    room.join(joiner)
    const [step1] = joiner.sent.map(decodeFrame)
    expect(step1).toMatchObject({ type: 'sync', sub: 0 })
    expect(Y.decodeStateVector((step1 as { payload: Uint8Array }).payload)).toEqual(
      Y.decodeStateVector(Y.encodeStateVector(a.doc))
    )
    room.receive(joiner, syncStep1Frame(new Y.Doc()))
    room.receive(joiner, updateFrame(Y.encodeStateAsUpdate(new Y.Doc()))) // its empty step 2
    expect(room.asleep).toBe(true)
    const seen = received(joiner)
    expect(seen.getMap('tldraw').toJSON()).toEqual(a.doc.getMap('tldraw').toJSON())

    // The writer draws again: the room wakes, stores and relays it.
    writer.sent.length = 0
    const more = board(1, a.doc)
    room.receive(writer, updateFrame(more.update))
    expect(room.asleep).toBe(false)
    await room.committed()
    expect(received(joiner, seen).getMap('tldraw').size).toBe(51)
    expect(room.doc.getMap('tldraw').size).toBe(51)
    expect(storage.loadRoomState(ROOM).lastSeq).toBe(2)
    room.destroy(1001, 'test')
  })

  it('snapshots from the encoded state while asleep, and a reload holds the same board', async () => {
    const room = await makeRoom()
    const writer = new FakeConn(1, 'interviewer')
    room.join(writer)
    const a = board(20)
    room.receive(writer, updateFrame(a.update))
    await room.committed()
    clock += IDLE_MS
    expect(room.sleepIfIdle(IDLE_MS)).toBe(true)
    await room.snapshot()
    room.destroy(1001, 'test')
    const stored = storage.loadRoomState(ROOM)
    expect(stored.snapshotSeq).toBe(1)
    const reloaded = await makeRoom()
    expect(reloaded.doc.getMap('tldraw').toJSON()).toEqual(a.doc.getMap('tldraw').toJSON())
    reloaded.destroy(1001, 'test')
  })

  it('does not sleep while it holds an update waiting for its dependencies', async () => {
    const room = await makeRoom()
    const writer = new FakeConn(1, 'interviewer')
    room.join(writer)
    const a = board(1)
    const later = board(1, a.doc) // depends on the first, which the room never got
    room.receive(writer, updateFrame(later.update))
    clock += IDLE_MS
    expect(room.sleepIfIdle(IDLE_MS)).toBe(false)
    room.receive(writer, updateFrame(a.update))
    expect(room.doc.getMap('tldraw').size).toBe(2)
    room.destroy(1001, 'test')
  })
})
