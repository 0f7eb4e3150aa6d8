import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createLogger } from '../logger.ts'
import { asyncStorage } from '../storage/AsyncStorage.ts'
import { SqliteStorage } from '../storage/SqliteStorage.ts'
import { FakeConn } from '../test/FakeConn.ts'
import { decodeFrame, textUpdate, updateFrame } from '../test/helpers.ts'
import { RoomStateError, SyncRoom } from './SyncRoom.ts'
import { UpdateBatcher } from './UpdateBatcher.ts'

// SyncRoom's update path as the relay runs it: every room shares one UpdateBatcher, updates are
// committed once per event-loop turn and broadcast only after their commit.

const ROOM = 'room-1'
const NOW = 1_700_000_000_000

let storage: SqliteStorage
let batcher: UpdateBatcher
let failures: unknown[]
let clock: number

beforeEach(() => {
  storage = new SqliteStorage(':memory:')
  storage.createRoom(
    { id: ROOM, title: 'Test', createdAt: 0 },
    { interviewer: 'h-i', candidate: 'h-c', observer: 'h-o' }
  )
  batcher = new UpdateBatcher(asyncStorage(storage))
  failures = []
  clock = NOW
})
afterEach(() => storage.close())

/** What the relay passes a room (SyncRelay builds each with the relay's one batcher). */
function makeRoom(snapshotEveryUpdates = 100, roomId = ROOM) {
  return SyncRoom.load({
    roomId,
    storage: asyncStorage(storage),
    logger: createLogger('silent'),
    snapshotEveryUpdates,
    now: () => clock,
    batcher,
    onStorageFailure: (error) => failures.push(error),
  })
}

async function populated(snapshotEveryUpdates?: number) {
  const room = await makeRoom(snapshotEveryUpdates)
  const conns = {
    interviewer: new FakeConn(1, 'interviewer'),
    candidate: new FakeConn(2, 'candidate'),
    observer: new FakeConn(3, 'observer'),
  }
  for (const conn of Object.values(conns)) room.join(conn)
  for (const conn of Object.values(conns)) conn.sent.length = 0
  return { room, ...conns }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))
const textOf = (frame: Uint8Array) => {
  const decoded = decodeFrame(frame)
  if (decoded.type !== 'sync' || decoded.sub !== 2) throw new Error('expected a sync update')
  const copy = new Y.Doc()
  Y.applyUpdate(copy, decoded.payload)
  return copy.getText('text').toString()
}

describe('SyncRoom with the UpdateBatcher', () => {
  it('applies an update at once, commits it within the turn, and only then broadcasts it to the others', async () => {
    const { room, interviewer, candidate, observer } = await populated()
    const storedWhenSent: number[] = []
    interviewer.onSend = observer.onSend = () => storedWhenSent.push(storage.readUpdates(ROOM).length)

    room.receive(candidate, updateFrame(textUpdate('hello')))
    // In memory now (a joiner's sync step 2 has it), on disk and on the wire only after the commit.
    expect(room.doc.getText('text').toString()).toBe('hello')
    expect(storage.readUpdates(ROOM)).toEqual([])
    expect(interviewer.sent).toEqual([])

    await nextTurn()
    expect(storage.readUpdates(ROOM)).toMatchObject([{ seq: 1, ts: NOW, author: 'candidate' }])
    expect(candidate.sent).toEqual([])
    for (const other of [interviewer, observer]) expect(other.sent.map(textOf)).toEqual(['hello'])
    expect(storedWhenSent).toEqual([1, 1])
    expect(failures).toEqual([])
  })

  it('numbers the updates of one turn in order, each with its author and server time', async () => {
    const { room, interviewer, candidate } = await populated()
    room.receive(candidate, updateFrame(textUpdate('a', 'one')))
    clock = NOW + 5
    room.receive(interviewer, updateFrame(textUpdate('b', 'two')))
    await nextTurn()
    expect(storage.readUpdates(ROOM).map((u) => [u.seq, u.author, u.ts])).toEqual([
      [1, 'candidate', NOW],
      [2, 'interviewer', NOW + 5],
    ])
  })

  it('snapshots every N committed updates and keeps the full log', async () => {
    const { room, candidate } = await populated(3)
    for (let i = 0; i < 7; i++) {
      room.receive(candidate, updateFrame(textUpdate(`u${i}`, `t${i}`)))
      await nextTurn()
    }
    const stored = storage.loadRoomState(ROOM)
    expect(stored).toMatchObject({ snapshotSeq: 6, lastSeq: 7 })
    expect(stored.updates).toHaveLength(1)
    expect(storage.readUpdates(ROOM)).toHaveLength(7)
    const rebuilt = new Y.Doc()
    Y.applyUpdate(rebuilt, stored.snapshot!)
    for (const u of stored.updates) Y.applyUpdate(rebuilt, u)
    for (let i = 0; i < 7; i++) expect(rebuilt.getText(`t${i}`).toString()).toBe(`u${i}`)
  })

  it('a commit that fails reports a RoomStateError and broadcasts nothing; the next turn commits as usual', async () => {
    storage.createRoom(
      { id: 'room-2', title: 'Two', createdAt: 0 },
      { interviewer: '2-i', candidate: '2-c', observer: '2-o' }
    )
    // A room whose rows are gone (deleted under it): its update fails the shared transaction.
    const doomed = await makeRoom(100, 'not-in-the-rooms-table')
    const a = new FakeConn(1, 'candidate')
    const b = new FakeConn(2, 'interviewer')
    doomed.join(a)
    doomed.join(b)
    b.sent.length = 0
    doomed.receive(a, updateFrame(textUpdate('x')))
    await nextTurn()
    expect(failures).toHaveLength(1)
    expect(failures[0]).toBeInstanceOf(RoomStateError)
    expect((failures[0] as Error).message).toMatch(/could not store update 1/)
    expect(b.sent).toEqual([])

    // The batcher commits the next turn's updates of healthy rooms as usual.
    const healthy = await makeRoom(100, 'room-2')
    const c = new FakeConn(3, 'candidate')
    const d = new FakeConn(4, 'interviewer')
    healthy.join(c)
    healthy.join(d)
    d.sent.length = 0
    healthy.receive(c, updateFrame(textUpdate('fine')))
    await nextTurn()
    expect(storage.readUpdates('room-2')).toHaveLength(1)
    expect(d.sent.map(textOf)).toEqual(['fine'])
    expect(failures).toHaveLength(1)
  })
})
