import * as encoding from 'lib0/encoding'
import * as prng from 'lib0/prng'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createLogger } from '../logger.ts'
import { asyncStorage } from '../storage/AsyncStorage.ts'
import { SqliteStorage } from '../storage/SqliteStorage.ts'
import { FakeConn } from '../test/FakeConn.ts'
import {
  awarenessFrame,
  awarenessFrameWithJson,
  decodeAwarenessPayload,
  decodeFrame,
  handWrittenUpdate,
  MSG_SYNC,
  syncStep1Frame,
  textUpdate,
  updateFrame,
} from '../test/helpers.ts'
import { MalformedMessageError } from './syncErrors.ts'
import { turnCounter } from '../test/turnCounter.ts'
import { SnapshotPacer } from './SnapshotPacer.ts'
import { RoomStateError, SyncRoom } from './SyncRoom.ts'

const ROOM = 'room-1'
const NOW = 1_700_000_000_000

let storage: SqliteStorage
let clock: number

/** A new in-memory database holding the room (its seats' token hashes made up). */
function freshStorage() {
  storage = new SqliteStorage(':memory:')
  storage.createRoom(
    { id: ROOM, title: 'Test', createdAt: 0 },
    { interviewer: 'h-i', candidate: 'h-c', observer: 'h-o' }
  )
}

beforeEach(() => {
  freshStorage()
  clock = NOW
})
afterEach(() => storage.close())

let failures: unknown[] = []

function makeRoom(snapshotEveryUpdates = 100, roomId = ROOM) {
  failures = []
  return SyncRoom.load({
    roomId,
    storage: asyncStorage(storage),
    logger: createLogger('silent'),
    snapshotEveryUpdates,
    now: () => clock,
    onStorageFailure: (error) => failures.push(error),
  })
}

/** A room with an interviewer, a candidate and an observer joined, their join frames cleared. */
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

const state = (doc: Y.Doc) => Y.encodeStateAsUpdate(doc)

/** A sync message with a raw payload (no validation of the payload). */
function syncFrame(sub: number, payload: Uint8Array) {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MSG_SYNC)
  encoding.writeVarUint(e, sub)
  encoding.writeVarUint8Array(e, payload)
  return encoding.toUint8Array(e)
}

describe('SyncRoom: joining and loading', () => {
  it('sends sync step 1 on join', async () => {
    const room = await makeRoom()
    const conn = new FakeConn(1, 'candidate')
    room.join(conn)
    expect(room.size).toBe(1)
    const [first] = conn.decoded()
    expect(first).toMatchObject({ type: 'sync', sub: 0 })
  })

  it('is built from the stored snapshot and log before anyone joins', async () => {
    const source = new Y.Doc()
    source.getMap('records').set('shape:a', { x: 1 })
    storage.appendUpdate(ROOM, { seq: 1, ts: 1, author: 'interviewer', update: state(source) })
    storage.saveSnapshot(ROOM, 1, state(source), 2)
    const before = Y.encodeStateVector(source)
    source.getMap('records').set('shape:b', { x: 2 })
    storage.appendUpdate(ROOM, { seq: 2, ts: 3, author: 'candidate', update: Y.encodeStateAsUpdate(source, before) })

    const room = await makeRoom()
    expect(room.doc.getMap('records').toJSON()).toEqual({ 'shape:a': { x: 1 }, 'shape:b': { x: 2 } })
    expect(room.unsnapshottedUpdates).toBe(1)

    // A client's sync step 1 is answered with everything stored.
    const conn = new FakeConn(1, 'candidate')
    room.join(conn)
    const client = new Y.Doc()
    room.receive(conn, syncStep1Frame(client))
    const step2 = conn.decoded().find((f) => f.type === 'sync' && f.sub === 1)
    if (step2?.type !== 'sync') throw new Error('no sync step 2')
    Y.applyUpdate(client, step2.payload)
    expect(client.getMap('records').toJSON()).toEqual({ 'shape:a': { x: 1 }, 'shape:b': { x: 2 } })
    // Continues the log after the stored seq.
    room.receive(conn, updateFrame(textUpdate('next')))
    expect(storage.readUpdates(ROOM).map((u) => u.seq)).toEqual([1, 2, 3])
  })
})

describe('SyncRoom: updates', () => {
  it('persists an effective update, then broadcasts it to the others only', async () => {
    const { room, interviewer, candidate, observer } = await populated()
    const storedWhenSent: number[] = []
    interviewer.onSend = observer.onSend = () => storedWhenSent.push(storage.readUpdates(ROOM).length)

    room.receive(candidate, updateFrame(textUpdate('hello')))
    await room.committed()

    const log = storage.readUpdates(ROOM)
    expect(log).toHaveLength(1)
    expect(log[0]).toMatchObject({ seq: 1, ts: NOW, author: 'candidate' })
    expect(room.doc.getText('text').toString()).toBe('hello')
    expect(candidate.sent).toEqual([])
    for (const other of [interviewer, observer]) {
      expect(other.sent).toHaveLength(1)
      const frame = decodeFrame(other.sent[0]!)
      if (frame.type !== 'sync') throw new Error('expected a sync frame')
      expect(frame.sub).toBe(2)
      const copy = new Y.Doc()
      Y.applyUpdate(copy, frame.payload)
      expect(copy.getText('text').toString()).toBe('hello')
    }
    // Every broadcast happened after the update was in storage.
    expect(storedWhenSent).toEqual([1, 1])
  })

  it('stores and sends an update made only of new structs as it arrived, byte for byte', async () => {
    const { room, interviewer, candidate } = await populated()
    // Two edits of one client merged: two structs here, which the doc joins into one (so Yjs's
    // own encoding of the change would differ from these bytes).
    const source = new Y.Doc()
    const edits: Uint8Array[] = []
    source.on('update', (u: Uint8Array) => edits.push(u))
    source.getText('text').insert(0, 'hel')
    source.getText('text').insert(3, 'lo')
    const update = Y.mergeUpdates(edits)
    expect(Y.decodeUpdate(update).structs).toHaveLength(2)
    room.receive(candidate, updateFrame(update))
    await room.committed()
    expect(storage.readUpdates(ROOM)[0]!.update).toEqual(update)
    expect(decodeFrame(interviewer.sent[0]!)).toEqual({ type: 'sync', sub: 2, payload: update })
  })

  it('stores and sends no bytes past what Yjs reads of an update (it ignores them)', async () => {
    const { room, interviewer, candidate } = await populated()
    const update = textUpdate('hello')
    room.receive(candidate, updateFrame(Uint8Array.from([...update, 7, 7, 7, 7])))
    await room.committed()
    expect(room.doc.getText('text').toString()).toBe('hello')
    expect(storage.readUpdates(ROOM)[0]!.update).toEqual(update)
    expect(decodeFrame(interviewer.sent[0]!)).toEqual({ type: 'sync', sub: 2, payload: update })
  })

  it('stores and sends only what the doc took of an update Yjs partly ignores or parks', async () => {
    const X = 555
    const A = 700
    const B = 701
    const cases: Array<[string, Parameters<typeof handWrittenUpdate>[0]]> = [
      // Decodes as one run of X; Yjs keeps only the last block, whose clock 1 then waits for 0.
      [
        'two blocks of one client that continue each other',
        [
          { client: 9, clock: 0, structs: [{ key: 'shape:a', value: 'fine' }] },
          { client: X, clock: 0, structs: [{ key: 'junk', value: 1 }] },
          { client: X, clock: 1, structs: [{ key: 'shape:x', value: 'EVIL' }] },
        ],
      ],
      // Each item's origin is the other's: Yjs parks both.
      [
        'an origin cycle between two clients',
        [
          { client: 9, clock: 0, structs: [{ root: 'order', value: 'z' }] },
          { client: A, clock: 0, structs: [{ origin: [B, 0], value: 'a' }] },
          { client: B, clock: 0, structs: [{ origin: [A, 0], value: 'HIDDEN' }] },
        ],
      ],
    ]
    for (const [name, blocks] of cases) {
      const { room, interviewer, candidate } = await populated()
      const update = handWrittenUpdate(blocks)
      expect(() => room.receive(candidate, updateFrame(update)), name).toThrow(/unresolved dependencies/)
      await room.committed()
      const rows = storage.readUpdates(ROOM)
      expect(rows, name).toHaveLength(1)
      expect(rows[0]!.update, name).not.toEqual(update)
      // The peer, the log and the room hold the same, and nothing waits anywhere.
      const peer = new Y.Doc()
      for (const frame of interviewer.decoded()) if (frame.type === 'sync') Y.applyUpdate(peer, frame.payload)
      const rebuilt = new Y.Doc()
      Y.applyUpdate(rebuilt, rows[0]!.update)
      for (const doc of [peer, rebuilt]) {
        expect(doc.store.pendingStructs, name).toBeNull()
        expect(Y.encodeStateVector(doc), name).toEqual(Y.encodeStateVector(room.doc))
        expect(doc.getMap('records').toJSON(), name).toEqual(room.doc.getMap('records').toJSON())
        expect(doc.getArray('order').toJSON(), name).toEqual(room.doc.getArray('order').toJSON())
      }
      storage.close()
      freshStorage()
    }
  })

  it('refuses an item of length 0 before it can change the doc', async () => {
    const { room, interviewer, candidate } = await populated()
    const source = new Y.Doc()
    source.getMap('records').set('x', 'old')
    room.receive(candidate, updateFrame(Y.encodeStateAsUpdate(source)))
    await room.committed()
    interviewer.sent.length = 0
    // Set under the same key it would replace "x" (Yjs deletes the old value), then Yjs fails
    // while finishing the transaction, after the deletion.
    const empty = handWrittenUpdate([{ client: 77, clock: 0, structs: [{ key: 'x', values: [] }] }])
    expect(() => room.receive(candidate, updateFrame(empty))).toThrow(MalformedMessageError)
    await room.committed()
    expect(room.doc.getMap('records').toJSON()).toEqual({ x: 'old' })
    expect(storage.readUpdates(ROOM)).toHaveLength(1)
    expect(interviewer.sent).toEqual([])
  })

  it('stores and sends only what the doc lacked of an update that overlaps it', async () => {
    const { room, interviewer, candidate } = await populated()
    const source = new Y.Doc()
    source.getText('text').insert(0, 'hello')
    const first = Y.encodeStateAsUpdate(source)
    room.receive(candidate, updateFrame(first))
    await room.committed()
    source.getText('text').insert(5, ' world')
    const lacked = Y.encodeStateAsUpdate(source, Y.encodeStateVector(room.doc))
    // Everything again: "hello" the room has, " world" it lacks.
    const overlapping = Y.encodeStateAsUpdate(source)
    interviewer.sent.length = 0
    room.receive(candidate, updateFrame(overlapping))
    await room.committed()
    const stored = storage.readUpdates(ROOM)[1]!.update
    expect(stored).not.toEqual(overlapping)
    expect(stored.length).toBeLessThan(overlapping.length)
    const rebuilt = new Y.Doc()
    Y.applyUpdate(rebuilt, first)
    Y.applyUpdate(rebuilt, stored)
    expect(rebuilt.getText('text').toString()).toBe('hello world')
    expect(Y.encodeStateVector(rebuilt)).toEqual(Y.encodeStateVector(room.doc))
    // What was sent is that same change, which a peer holding "hello" applies to the same text.
    const sent = decodeFrame(interviewer.sent[0]!)
    if (sent.type !== 'sync') throw new Error('expected a sync frame')
    expect(sent.payload).toEqual(stored)
    expect(Y.diffUpdate(sent.payload, Y.encodeStateVector(room.doc)).length).toBeLessThanOrEqual(lacked.length)
  })

  it('stores the author of each update and the server time', async () => {
    const { room, interviewer, candidate } = await populated()
    room.receive(candidate, updateFrame(textUpdate('a', 'one')))
    clock = NOW + 5
    room.receive(interviewer, updateFrame(textUpdate('b', 'two')))
    await room.committed()
    expect(storage.readUpdates(ROOM).map((u) => [u.seq, u.author, u.ts])).toEqual([
      [1, 'candidate', NOW],
      [2, 'interviewer', NOW + 5],
    ])
  })

  it('neither stores nor broadcasts an update that changes nothing', async () => {
    const { room, interviewer, candidate } = await populated()
    const update = textUpdate('once')
    room.receive(candidate, updateFrame(update))
    await room.committed()
    interviewer.sent.length = 0
    room.receive(candidate, updateFrame(update))
    room.receive(interviewer, syncFrame(1, update))
    await room.committed()
    expect(storage.readUpdates(ROOM)).toHaveLength(1)
    expect(interviewer.sent).toEqual([])
    expect(candidate.sent).toEqual([])
  })

  it('answers a client’s sync step 1 with what it lacks, to that client only', async () => {
    const { room, interviewer, candidate } = await populated()
    room.receive(interviewer, updateFrame(textUpdate('board')))
    await room.committed()
    candidate.sent.length = 0
    room.receive(candidate, syncStep1Frame(new Y.Doc()))
    expect(candidate.sent).toHaveLength(1)
    const frame = decodeFrame(candidate.sent[0]!)
    if (frame.type !== 'sync') throw new Error('expected sync')
    expect(frame.sub).toBe(1)
    const copy = new Y.Doc()
    Y.applyUpdate(copy, frame.payload)
    expect(copy.getText('text').toString()).toBe('board')
  })

  it('refuses an observer’s change with "permission denied" and stores nothing', async () => {
    const { room, interviewer, candidate, observer } = await populated()
    const before = state(room.doc)
    room.receive(observer, updateFrame(textUpdate('sneaky')))
    room.receive(observer, syncFrame(1, textUpdate('sneaky step 2')))
    expect(storage.readUpdates(ROOM)).toEqual([])
    expect(state(room.doc)).toEqual(before)
    expect(interviewer.sent).toEqual([])
    expect(candidate.sent).toEqual([])
    const frames = observer.decoded()
    expect(frames).toHaveLength(2)
    for (const frame of frames)
      expect(frame).toMatchObject({ type: 'auth', permission: 0, reason: expect.stringMatching(/observer/) })
  })

  it('lets an observer answer sync step 1 with an empty step 2 without a denial', async () => {
    const { room, observer } = await populated()
    room.receive(observer, syncFrame(1, Y.encodeStateAsUpdate(new Y.Doc())))
    expect(observer.sent).toEqual([])
  })

  it('with a pacer, rooms crossing the threshold together snapshot in turns of their own', async () => {
    storage.createRoom(
      { id: 'room-2', title: 'Other', createdAt: 0 },
      { interviewer: 'h2-i', candidate: 'h2-c', observer: 'h2-o' }
    )
    const counter = turnCounter()
    const written: Array<{ roomId: string; seq: number; turn: number }> = []
    const db = asyncStorage(storage)
    const recording = {
      loadRoomState: db.loadRoomState,
      commitUpdates: db.commitUpdates,
      saveSnapshot: async (roomId: string, seq: number, state: Uint8Array, ts: number) => {
        written.push({ roomId, seq, turn: counter.turn })
        storage.saveSnapshot(roomId, seq, state, ts)
      },
    }
    const snapshots = new SnapshotPacer()
    const rooms: SyncRoom[] = []
    const open = (roomId: string) =>
      SyncRoom.load({
        roomId,
        storage: recording,
        logger: createLogger('silent'),
        snapshotEveryUpdates: 2,
        snapshots,
      })
    try {
      rooms.push(await open(ROOM), await open('room-2'))
      const editors = rooms.map((room, i) => {
        const conn = new FakeConn(10 + i, 'candidate')
        room.join(conn)
        return conn
      })
      // Both rooms reach their second update in the same turn.
      for (let n = 0; n < 2; n++)
        rooms.forEach((room, i) => room.receive(editors[i]!, updateFrame(textUpdate(`u${n}`, `t${n}`))))
      await new Promise((resolve) => setTimeout(resolve, 30))
      expect(written.map(({ roomId, seq }) => ({ roomId, seq }))).toEqual([
        { roomId: ROOM, seq: 2 },
        { roomId: 'room-2', seq: 2 },
      ])
      expect(written[0]!.turn).not.toBe(written[1]!.turn)
      expect(storage.loadRoomState('room-2')).toMatchObject({ snapshotSeq: 2, lastSeq: 2 })
    } finally {
      for (const room of rooms) room.destroy(1001, 'test over')
      counter.stop()
      snapshots.stop()
    }
  })

  it('snapshots every N updates and keeps the full log', async () => {
    const { room, candidate } = await populated(3)
    for (let i = 0; i < 7; i++) {
      room.receive(candidate, updateFrame(textUpdate(`u${i}`, `t${i}`)))
      await room.committed()
    }
    const stored = storage.loadRoomState(ROOM)
    expect(stored.snapshotSeq).toBe(6)
    expect(stored.lastSeq).toBe(7)
    expect(stored.updates).toHaveLength(1)
    expect(room.unsnapshottedUpdates).toBe(1)
    const rebuilt = new Y.Doc()
    Y.applyUpdate(rebuilt, stored.snapshot!)
    for (const u of stored.updates) Y.applyUpdate(rebuilt, u)
    for (let i = 0; i < 7; i++) {
      expect(rebuilt.getText(`t${i}`).toString()).toBe(`u${i}`)
      expect(room.doc.getText(`t${i}`).toString()).toBe(`u${i}`)
    }
    await room.snapshot()
    expect(storage.loadRoomState(ROOM)).toMatchObject({ snapshotSeq: 7, updates: [] })
    expect(storage.readUpdates(ROOM)).toHaveLength(7)
  })

  it('reports RoomStateError and broadcasts nothing when the update cannot be stored', async () => {
    const room = await makeRoom(100, 'not-in-the-rooms-table')
    const a = new FakeConn(1, 'candidate')
    const b = new FakeConn(2, 'interviewer')
    room.join(a)
    room.join(b)
    b.sent.length = 0
    room.receive(a, updateFrame(textUpdate('x')))
    await room.committed()
    expect(failures).toHaveLength(1)
    expect(failures[0]).toBeInstanceOf(RoomStateError)
    expect(b.sent).toEqual([])
  })

  it('treats a well-formed update that fails to apply without touching the doc as the sender’s malformed frame', async () => {
    const { room, interviewer, candidate } = await populated()
    // Decodes fine, but its origin points at a later struct of its own client: Yjs throws while integrating.
    const bad = Uint8Array.from(Buffer.from('01010200840204012100', 'hex'))
    expect(() => Y.decodeUpdate(bad)).not.toThrow()
    expect(() => room.receive(candidate, updateFrame(bad))).toThrow(MalformedMessageError)
    expect(storage.readUpdates(ROOM)).toEqual([])
    expect(interviewer.sent).toEqual([])
    // The room's memory is intact: the next good update is stored and relayed as usual.
    room.receive(candidate, updateFrame(textUpdate('still fine')))
    await room.committed()
    expect(storage.readUpdates(ROOM)).toHaveLength(1)
    expect(interviewer.sent).toHaveLength(1)
  })
})

describe('SyncRoom: malformed frames', () => {
  const real = textUpdate('a perfectly good update')
  const cases: Array<[string, Uint8Array]> = [
    ['an empty frame', new Uint8Array()],
    ['garbage bytes', Uint8Array.from(Buffer.from('deadbeefcafebabe0badf00d', 'hex'))],
    ['an unknown message type', Uint8Array.of(9, 0)],
    ['an unknown sync type', syncFrame(7, real)],
    ['a sync message cut short', updateFrame(real).subarray(0, 10)],
    ['a sync message with trailing bytes', Uint8Array.from([...updateFrame(real), 0])],
    ['a state vector that does not decode', syncFrame(0, Uint8Array.of(5, 0xff))],
    ['an update payload of garbage', syncFrame(2, Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f))],
    ['awareness that is not JSON', awarenessFrameWithJson('{not json')],
    ['awareness whose state is an array', awarenessFrameWithJson('[1,2]')],
    ['awareness with a missing entry', Uint8Array.of(1, 2, 3)],
  ]

  it.each(cases)('%s throws MalformedMessageError and changes nothing', async (_name, frame) => {
    for (const role of ['candidate', 'observer'] as const) {
      const { room, interviewer, candidate, observer } = await populated()
      room.receive(interviewer, updateFrame(textUpdate('existing')))
      await room.committed()
      for (const c of [interviewer, candidate, observer]) c.sent.length = 0
      const before = state(room.doc)
      const sender = role === 'candidate' ? candidate : observer
      expect(() => room.receive(sender, frame)).toThrow(MalformedMessageError)
      await room.committed()
      expect(storage.readUpdates(ROOM)).toHaveLength(1)
      expect(state(room.doc)).toEqual(before)
      for (const c of [interviewer, candidate, observer]) expect(c.sent).toEqual([])
      storage.close()
      freshStorage()
    }
  })

  it('refuses an update truncated at any length', async () => {
    const { room, candidate } = await populated()
    for (let length = 0; length < real.length; length++) {
      expect(() => room.receive(candidate, syncFrame(2, real.subarray(0, length))), `length ${length}`).toThrow(
        MalformedMessageError
      )
    }
    expect(storage.readUpdates(ROOM)).toEqual([])
    expect(room.doc.getText('text').toString()).toBe('')
  })
})

describe('SyncRoom: awareness', () => {
  it('ties each awareness client id to the first connection that claims it', async () => {
    const { room, interviewer, candidate, observer } = await populated()
    room.receive(candidate, awarenessFrame([{ clientId: 42, clock: 1, state: { name: 'Cara', role: 'interviewer' } }]))
    for (const c of [interviewer, candidate, observer]) {
      const [frame] = c.decoded()
      if (frame?.type !== 'awareness') throw new Error('expected awareness')
      // The role is the one the connection's token proves.
      expect(decodeAwarenessPayload(frame.payload)).toEqual([
        { clientId: 42, clock: 1, state: { name: 'Cara', role: 'candidate' } },
      ])
      c.sent.length = 0
    }

    // Someone else claiming 42 is ignored: nothing broadcast, state unchanged.
    room.receive(interviewer, awarenessFrame([{ clientId: 42, clock: 9, state: { name: 'Mallory' } }]))
    room.receive(interviewer, awarenessFrame([{ clientId: 42, clock: 10, state: null }]))
    expect(room.awareness.getStates().get(42)).toEqual({ name: 'Cara', role: 'candidate' })
    for (const c of [interviewer, candidate, observer]) expect(c.sent).toEqual([])

    // In a mixed update, only the sender's own entries count.
    room.receive(
      interviewer,
      awarenessFrame([
        { clientId: 42, clock: 11, state: { name: 'Mallory' } },
        { clientId: 7, clock: 1, state: { name: 'Ivan' } },
      ])
    )
    expect(room.awareness.getStates().get(42)).toEqual({ name: 'Cara', role: 'candidate' })
    expect(room.awareness.getStates().get(7)).toEqual({ name: 'Ivan', role: 'interviewer' })
  })

  it('removes a connection’s awareness when it leaves and tells the others', async () => {
    const { room, interviewer, candidate } = await populated()
    room.receive(candidate, awarenessFrame([{ clientId: 42, clock: 1, state: { name: 'Cara' } }]))
    interviewer.sent.length = 0
    room.leave(candidate)
    expect(room.size).toBe(2)
    expect(room.awareness.getStates().has(42)).toBe(false)
    const [frame] = interviewer.decoded()
    if (frame?.type !== 'awareness') throw new Error('expected awareness')
    expect(decodeAwarenessPayload(frame.payload)).toMatchObject([{ clientId: 42, state: null }])
    // The id stays Cara's: another participant cannot take it, Cara's next connection can.
    const other = new FakeConn(8, 'candidate')
    room.join(other)
    room.receive(other, awarenessFrame([{ clientId: 42, clock: 5, state: { name: 'Not Cara' } }]))
    expect(room.awareness.getStates().has(42)).toBe(false)
    const again = new FakeConn(9, 'candidate', candidate.participantId)
    room.join(again)
    room.receive(again, awarenessFrame([{ clientId: 42, clock: 5, state: { name: 'Cara again' } }]))
    expect(room.awareness.getStates().get(42)).toEqual({ name: 'Cara again', role: 'candidate' })
  })

  it('does not let peers’ echoes of a departed client take its id', async () => {
    const { room, interviewer, candidate } = await populated()
    room.receive(candidate, awarenessFrame([{ clientId: 42, clock: 3, state: { name: 'Cara' } }]))
    room.leave(candidate)
    // Stock y-websocket providers echo what they receive: the removal, or a late copy of the old state.
    room.receive(interviewer, awarenessFrame([{ clientId: 42, clock: 3, state: null }]))
    room.receive(interviewer, awarenessFrame([{ clientId: 42, clock: 3, state: { name: 'Cara' } }]))
    expect(room.awareness.getStates().has(42)).toBe(false)
    // Cara reconnects on a new socket; her next change claims the id again.
    const back = new FakeConn(9, 'candidate', candidate.participantId)
    room.join(back)
    room.receive(back, awarenessFrame([{ clientId: 42, clock: 4, state: { name: 'Cara (back)' } }]))
    expect(room.awareness.getStates().get(42)).toEqual({ name: 'Cara (back)', role: 'candidate' })
  })

  it('caps the client ids one connection may own', async () => {
    const { room, candidate } = await populated()
    for (let id = 100; id < 110; id++)
      room.receive(candidate, awarenessFrame([{ clientId: id, clock: 1, state: { n: id } }]))
    expect([...room.awareness.getStates().keys()].sort()).toEqual([100, 101, 102, 103])
  })

  it('sends current peers to a joining connection', async () => {
    const { room, candidate } = await populated()
    room.receive(candidate, awarenessFrame([{ clientId: 42, clock: 1, state: { name: 'Cara' } }]))
    const late = new FakeConn(9, 'observer')
    room.join(late)
    const frame = late.decoded().find((f) => f.type === 'awareness')
    if (frame?.type !== 'awareness') throw new Error('expected awareness')
    expect(decodeAwarenessPayload(frame.payload)).toMatchObject([
      { clientId: 42, state: { name: 'Cara', role: 'candidate' } },
    ])
  })
})

describe('SyncRoom: destroy', () => {
  it('closes every connection and ignores frames that arrive afterwards', async () => {
    const { room, interviewer, candidate } = await populated()
    room.destroy(1001, 'going away')
    expect(interviewer.closed).toEqual({ code: 1001, reason: 'going away' })
    expect(candidate.closed).toEqual({ code: 1001, reason: 'going away' })
    expect(room.size).toBe(0)
    // A frame still in flight from a closing socket must not reach storage.
    room.receive(candidate, updateFrame(textUpdate('late')))
    expect(storage.readUpdates(ROOM)).toEqual([])
  })
})

/** A browser: its doc, its socket to the room, and its changes not yet sent. */
interface Peer {
  doc: Y.Doc
  conn: FakeConn
  outbox: Uint8Array[]
  /** Frames from the room it has applied so far. */
  read: number
}

function peer(id: number, role: 'interviewer' | 'candidate'): Peer {
  const p: Peer = { doc: new Y.Doc(), conn: new FakeConn(id, role), outbox: [], read: 0 }
  p.doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== 'room') p.outbox.push(update)
  })
  return p
}

/** One random edit of the kinds a board makes: records set and replaced, nested maps, text and lists. */
function edit(gen: prng.PRNG, doc: Y.Doc): void {
  const records = doc.getMap<unknown>('records')
  const key = `shape:${prng.uint32(gen, 0, 7)}`
  switch (prng.uint32(gen, 0, 6)) {
    case 0:
      records.set(key, { x: prng.uint32(gen, 0, 1000), label: prng.word(gen, 0, 6) })
      return
    case 1:
      records.delete(key)
      return
    case 2: {
      const nested = new Y.Map<unknown>()
      nested.set('props', { w: prng.uint32(gen, 1, 50) })
      records.set(key, nested)
      return
    }
    case 3: {
      const nested = records.get(key)
      if (nested instanceof Y.Map) nested.set('meta', prng.word(gen, 0, 4))
      else records.set(key, prng.uint32(gen, 0, 9))
      return
    }
    case 4: {
      const text = doc.getText('notes')
      text.insert(prng.uint32(gen, 0, text.length), prng.word(gen, 1, 5))
      return
    }
    case 5: {
      const text = doc.getText('notes')
      if (text.length) text.delete(prng.uint32(gen, 0, text.length - 1), 1)
      return
    }
    default: {
      const list = doc.getArray<number>('order')
      if (list.length && prng.bool(gen)) list.delete(prng.uint32(gen, 0, list.length - 1), 1)
      else list.insert(prng.uint32(gen, 0, list.length), [prng.uint32(gen, 0, 99)])
    }
  }
}

/** Apply what the room has sent `p` since it last looked. */
function readRoom(p: Peer): void {
  for (; p.read < p.conn.sent.length; p.read++) {
    const frame = decodeFrame(p.conn.sent[p.read]!)
    if (frame.type === 'sync' && frame.sub === 2) Y.applyUpdate(p.doc, frame.payload, 'room')
  }
}

/**
 * Send some of `p`'s waiting changes: one at a time, several merged into one update, one twice,
 * or its whole state (overlapping what the room has); now and then out of order (the room holds
 * an update until what it depends on arrives).
 */
function sendSome(gen: prng.PRNG, room: SyncRoom, p: Peer): void {
  if (!p.outbox.length) return
  const mode = prng.uint32(gen, 0, 5)
  let updates: Uint8Array[]
  if (mode === 0) updates = [Y.mergeUpdates(p.outbox.splice(0))]
  else if (mode === 1) {
    p.outbox.length = 0
    updates = [Y.encodeStateAsUpdate(p.doc)]
  } else if (mode === 2 && p.outbox.length > 1) updates = p.outbox.splice(0, 2).reverse()
  else if (mode === 3) {
    const first = p.outbox.shift()!
    updates = [first, first]
  } else updates = [p.outbox.shift()!]
  for (const update of updates) room.receive(p.conn, updateFrame(update))
}

const json = (doc: Y.Doc) => ({
  records: doc.getMap('records').toJSON(),
  notes: doc.getText('notes').toString(),
  order: doc.getArray('order').toJSON(),
})

describe('SyncRoom: convergence', () => {
  it.each([1, 2, 3, 4, 5, 6])(
    'two editors, random edits sent in random ways (seed %i): everyone, the room and its log agree',
    async (seed) => {
      const gen = prng.create(seed)
      const room = await makeRoom(1_000_000)
      const peers = [peer(1, 'interviewer'), peer(2, 'candidate')]
      for (const p of peers) room.join(p.conn)
      for (let step = 0; step < 400; step++) {
        const p = peers[prng.uint32(gen, 0, 1)]!
        const action = prng.uint32(gen, 0, 9)
        if (action < 5) edit(gen, p.doc)
        else if (action < 8) sendSome(gen, room, p)
        else {
          await room.committed()
          readRoom(p)
        }
      }
      // Everything still waiting goes, in order, and everyone reads everything.
      for (const p of peers) for (const update of p.outbox.splice(0)) room.receive(p.conn, updateFrame(update))
      await room.committed()
      for (const p of peers) readRoom(p)
      for (const p of peers) expect(p.conn.closed).toBeNull()
      expect(failures).toEqual([])

      const expected = json(room.doc)
      for (const p of peers) {
        expect(json(p.doc)).toEqual(expected)
        expect(Y.encodeStateVector(p.doc)).toEqual(Y.encodeStateVector(room.doc))
      }
      // The log alone rebuilds the same board.
      const rebuilt = new Y.Doc()
      for (const { update } of storage.readUpdates(ROOM)) Y.applyUpdate(rebuilt, update)
      expect(json(rebuilt)).toEqual(expected)
      expect(Y.encodeStateVector(rebuilt)).toEqual(Y.encodeStateVector(room.doc))
      room.destroy(1000, 'done')
    }
  )
})
