import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createLogger } from '../logger.ts'
import { asyncStorage } from '../storage/AsyncStorage.ts'
import { SqliteStorage } from '../storage/SqliteStorage.ts'
import { FakeConn } from '../test/FakeConn.ts'
import { awarenessFrame, decodeFrame, syncStep1Frame, updateFrame, waitFor } from '../test/helpers.ts'
import { BudgetExceededError, RateLimitedError } from './syncErrors.ts'
import { RoomLoadError, SyncRoom, type RoomLimits } from './SyncRoom.ts'
import { UpdateBatcher } from './UpdateBatcher.ts'

const ROOM = 'room-1'
const LIMITS: RoomLimits = {
  maxStructs: 1_000,
  maxDepth: 16,
  maxPendingStructsPerConnection: 10,
  maxPendingStructsPerRoom: 15,
  maxAwarenessStateBytes: 1_024,
}

let storage: SqliteStorage
beforeEach(() => {
  storage = new SqliteStorage(':memory:')
  storage.createRoom(
    { id: ROOM, title: 'Test', createdAt: 0 },
    { interviewer: 'h-i', candidate: 'h-c', observer: 'h-o' }
  )
})
afterEach(() => storage.close())

function makeRoom(limits: Partial<RoomLimits> = LIMITS) {
  return SyncRoom.load({
    roomId: ROOM,
    storage: asyncStorage(storage),
    logger: createLogger('silent'),
    snapshotEveryUpdates: 100,
    limits,
  })
}

/** Updates of one writer: `parts` consecutive inserts into Y.Text `t`, each `size` characters. */
function chain(parts: number, size = 1): Uint8Array[] {
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  for (let i = 0; i < parts; i++) doc.getText('t').insert(doc.getText('t').length, String(i % 10).repeat(size))
  return updates
}

/** Everything a connection would get in sync step 2 from an empty doc. */
function served(room: SyncRoom): Y.Doc {
  const probe = new FakeConn(99, 'interviewer')
  room.join(probe)
  room.receive(probe, syncStep1Frame(new Y.Doc()))
  const doc = new Y.Doc()
  for (const frame of probe.decoded()) if (frame.type === 'sync' && frame.sub === 1) Y.applyUpdate(doc, frame.payload)
  room.leave(probe)
  return doc
}

describe('SyncRoom: updates with missing dependencies', () => {
  it('holds them out of the doc, the log, the broadcast and sync step 2 until their dependencies arrive', async () => {
    const room = await makeRoom()
    const writer = new FakeConn(1, 'candidate')
    const reader = new FakeConn(2, 'interviewer')
    room.join(writer)
    room.join(reader)
    reader.sent.length = 0
    const [first, second, third] = chain(3)

    room.receive(writer, updateFrame(third!))
    room.receive(writer, updateFrame(second!))
    expect(room.doc.getText('t').toString()).toBe('')
    expect(room.doc.store.pendingStructs).toBeNull()
    expect(storage.readUpdates(ROOM)).toEqual([])
    expect(reader.sent).toEqual([])
    expect(served(room).getText('t').toString()).toBe('')
    await room.snapshot()
    expect(storage.loadRoomState(ROOM).snapshot).toBeNull()

    room.receive(writer, updateFrame(first!))
    await room.committed()
    expect(room.doc.getText('t').toString()).toBe('012')
    expect(storage.readUpdates(ROOM)).toHaveLength(3)
    expect(reader.decoded().filter((f) => f.type === 'sync')).toHaveLength(3)
  })

  it('closes a sender over the per-connection budget; the room keeps nothing of it and carries on', async () => {
    const room = await makeRoom()
    const flooder = new FakeConn(1, 'candidate')
    const other = new FakeConn(2, 'candidate')
    room.join(flooder)
    room.join(other)
    const updates = chain(20)
    for (const u of updates.slice(1, 11)) room.receive(flooder, updateFrame(u))
    expect(() => room.receive(flooder, updateFrame(updates[11]!))).toThrow(BudgetExceededError)
    expect(() => room.receive(flooder, updateFrame(updates[11]!))).toThrow(/10 unresolved structs per connection/)

    // The room budget counts everyone: 10 held for the flooder, 5 more for another sender fill it.
    const others = chain(8, 2).map((u) => u)
    for (const u of others.slice(1, 6)) room.receive(other, updateFrame(u))
    expect(() => room.receive(other, updateFrame(others[6]!))).toThrow(/15 per room/)

    // When the flooder leaves, what it parked goes with it.
    room.leave(flooder)
    room.receive(other, updateFrame(others[6]!))
    room.receive(other, updateFrame(others[0]!))
    expect(room.doc.getText('t').toString()).toBe('00112233445566')
    expect(room.doc.store.pendingStructs).toBeNull()
  })

  it('refuses an update nested beyond the depth budget before it touches the doc', async () => {
    const room = await makeRoom()
    const sender = new FakeConn(1, 'candidate')
    room.join(sender)
    const doc = new Y.Doc()
    let map = doc.getMap('m')
    for (let i = 0; i < 17; i++) {
      const next = new Y.Map()
      map.set('k', next)
      map = next
    }
    expect(() => room.receive(sender, updateFrame(Y.encodeStateAsUpdate(doc)))).toThrow(/nested 17 deep/)
    expect(room.doc.share.size).toBe(0)
    expect(storage.readUpdates(ROOM)).toEqual([])
  })
})

describe('SyncRoom: loading', () => {
  it('throws RoomLoadError naming the log entry that does not apply, and writes nothing', async () => {
    const good = chain(1)[0]!
    storage.appendUpdate(ROOM, { seq: 1, ts: 1, author: 'candidate', update: good })
    storage.appendUpdate(ROOM, { seq: 2, ts: 2, author: 'candidate', update: Uint8Array.of(0xde, 0xad, 0xbe, 0xef) })
    let error: unknown
    try {
      await makeRoom()
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(RoomLoadError)
    expect((error as RoomLoadError).seq).toBe(2)
    expect(storage.readUpdates(ROOM)).toHaveLength(2)
  })

  it('survives stored data that overflows the stack (a deep nesting stored before budgets existed)', async () => {
    const deep = new Y.Doc()
    deep.clientID = 1
    let map = deep.getMap('m')
    deep.transact(() => {
      for (let i = 0; i < 8_000; i++) {
        const next = new Y.Map()
        map.set('k', next)
        map = next
      }
    })
    // The same client's first item (the outermost map), deleted: deleting it deletes every
    // level below it, recursively. Made on a shallow copy, which does not overflow here.
    const shallow = new Y.Doc()
    shallow.clientID = 1
    shallow.getMap('m').set('k', new Y.Map())
    const sv = Y.encodeStateVector(shallow)
    shallow.getMap('m').delete('k')
    const updates = [Y.encodeStateAsUpdate(deep), Y.encodeStateAsUpdate(shallow, sv)]
    updates.forEach((update, i) => storage.appendUpdate(ROOM, { seq: i + 1, ts: i, author: 'candidate', update }))
    await expect(makeRoom()).rejects.toThrow(RoomLoadError)
    expect(storage.readUpdates(ROOM)).toHaveLength(2)
  })

  it('drops stored structs whose dependencies never arrived instead of serving or snapshotting them', async () => {
    const [, second] = chain(2, 1000)
    storage.appendUpdate(ROOM, { seq: 1, ts: 1, author: 'candidate', update: second! })
    const room = await makeRoom()
    expect(room.doc.store.pendingStructs).toBeNull()
    const probe = new FakeConn(1, 'interviewer')
    room.join(probe)
    room.receive(probe, syncStep1Frame(new Y.Doc()))
    const step2 = probe.decoded().find((f) => f.type === 'sync' && f.sub === 1)
    expect(step2 && step2.type === 'sync' ? step2.payload.byteLength : Infinity).toBeLessThan(100)
    expect(decodeFrame(probe.sent[0]!).type).toBe('sync')
  })
})

describe('SyncRoom: per-socket request and awareness budgets', () => {
  it('answers five sync or awareness requests at once, then closes a socket that keeps asking', async () => {
    const room = await makeRoom()
    const asker = new FakeConn(1, 'observer')
    room.join(asker)
    for (let i = 0; i < 3; i++) room.receive(asker, syncStep1Frame(new Y.Doc()))
    for (let i = 0; i < 2; i++) room.receive(asker, Uint8Array.of(3)) // query awareness
    expect(() => room.receive(asker, syncStep1Frame(new Y.Doc()))).toThrow(RateLimitedError)
    // Another socket has its own budget.
    const other = new FakeConn(2, 'observer')
    room.join(other)
    expect(() => room.receive(other, syncStep1Frame(new Y.Doc()))).not.toThrow()
  })

  it('refuses an awareness state over the size or depth budget', async () => {
    const room = await makeRoom()
    const peer = new FakeConn(1, 'candidate')
    room.join(peer)
    expect(() =>
      room.receive(peer, awarenessFrame([{ clientId: 7, clock: 1, state: { pad: 'x'.repeat(1_100) } }]))
    ).toThrow(/awareness state of \d+ bytes; the limit is 1024/)
    let deep: unknown = {}
    for (let i = 0; i < 20; i++) deep = { d: deep }
    expect(() => room.receive(peer, awarenessFrame([{ clientId: 7, clock: 1, state: { deep } }]))).toThrow(
      BudgetExceededError
    )
    expect(room.awareness.getStates().has(7)).toBe(false)
    room.receive(peer, awarenessFrame([{ clientId: 7, clock: 1, state: { cursor: { x: 1, y: 2 } } }]))
    expect(room.awareness.getStates().get(7)).toMatchObject({ cursor: { x: 1, y: 2 } })
  })
})

describe('SyncRoom: commit before anyone sees an update', () => {
  it('answers a sync step 1 arriving in the same turn as an update only with the update committed', async () => {
    const batcher = new UpdateBatcher(asyncStorage(storage))
    const room = await SyncRoom.load({
      roomId: ROOM,
      storage: asyncStorage(storage),
      logger: createLogger('silent'),
      snapshotEveryUpdates: 100,
      batcher,
    })
    const writer = new FakeConn(1, 'candidate')
    const joiner = new FakeConn(2, 'interviewer')
    room.join(writer)
    room.join(joiner)
    joiner.sent.length = 0
    const storedWhenSent: number[] = []
    joiner.onSend = () => storedWhenSent.push(storage.readUpdates(ROOM).length)

    room.receive(writer, updateFrame(chain(1)[0]!))
    expect(storage.readUpdates(ROOM)).toHaveLength(0) // queued for this turn's commit
    room.receive(joiner, syncStep1Frame(new Y.Doc()))
    await room.committed()
    const step2 = joiner.decoded().findIndex((f) => f.type === 'sync' && f.sub === 1)
    expect(step2).toBeGreaterThanOrEqual(0)
    expect(storedWhenSent[step2]).toBe(1)
    // The broadcast of the same update also went out after the commit.
    expect(storedWhenSent.every((n) => n === 1)).toBe(true)
  })

  it('handles frames that arrive while a sync step 1 waits for its commit after it, in order', async () => {
    // A networked database: the commit takes a round trip, and frames keep arriving meanwhile.
    const db = asyncStorage(storage)
    const releases: Array<() => void> = []
    const batcher = new UpdateBatcher({
      commitUpdates: async (batch) => {
        await new Promise<void>((resolve) => releases.push(resolve))
        return db.commitUpdates(batch)
      },
    })
    /** Let the commit in flight finish, once there is one. */
    const release = async () => {
      await waitFor(() => releases.length > 0, 'a commit to be in flight')
      releases.shift()!()
    }
    const room = await SyncRoom.load({
      roomId: ROOM,
      storage: db,
      logger: createLogger('silent'),
      snapshotEveryUpdates: 100,
      batcher,
    })
    const writer = new FakeConn(1, 'candidate')
    const joiner = new FakeConn(2, 'interviewer')
    room.join(writer)
    room.join(joiner)
    joiner.sent.length = 0
    const [first, second] = chain(2)
    room.receive(writer, updateFrame(first!))
    room.receive(joiner, syncStep1Frame(new Y.Doc()))
    room.receive(writer, updateFrame(second!))
    // Nothing answered or applied past the waiting request until the first commit is done.
    await new Promise((resolve) => setImmediate(resolve))
    expect(joiner.sent).toEqual([])
    expect(room.doc.getText('t').toString()).toBe('0')
    await release()
    await waitFor(() => joiner.sent.length > 0, 'the answer')
    // Answered with the committed state only; the second update applied after, now committing.
    const step2 = joiner.decoded().find((f) => f.type === 'sync' && f.sub === 1)
    if (step2?.type !== 'sync') throw new Error('no sync step 2')
    const served = new Y.Doc()
    Y.applyUpdate(served, step2.payload)
    expect(served.getText('t').toString()).toBe('0')
    expect(room.doc.getText('t').toString()).toBe('01')
    await release()
    await room.committed()
    expect(storage.readUpdates(ROOM).map((u) => u.seq)).toEqual([1, 2])
    expect(joiner.decoded().filter((f) => f.type === 'sync' && f.sub === 2)).toHaveLength(2)
  })
})
