import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createLogger } from '../logger.ts'
import { asyncStorage } from '../storage/AsyncStorage.ts'
import { SqliteStorage } from '../storage/SqliteStorage.ts'
import { FakeConn } from '../test/FakeConn.ts'
import { awarenessFrame, decodeAwarenessPayload, decodeFrame, updateFrame } from '../test/helpers.ts'
import { SyncRoom } from './SyncRoom.ts'

// A room on a storage another relay writes too: seqs are allocated at commit, so this relay's
// own commits can land past seqs it has not received yet.

const ROOM = 'room-1'
let storage: SqliteStorage

beforeEach(() => {
  storage = new SqliteStorage(':memory:')
  storage.createRoom({ id: ROOM, title: 'Test', createdAt: 0 }, { interviewer: 'i', candidate: 'c', observer: 'o' })
})
afterEach(() => storage.close())

const makeRoom = () =>
  SyncRoom.load({
    roomId: ROOM,
    storage: asyncStorage(storage),
    logger: createLogger('silent'),
    snapshotEveryUpdates: 100,
  })

function recordUpdate(key: string): Uint8Array {
  const doc = new Y.Doc()
  doc.getMap('records').set(key, { x: 1 })
  return Y.encodeStateAsUpdate(doc)
}

describe('SyncRoom with other relays', () => {
  it('snapshots only up to the contiguous seq it holds, and applies another relay’s update in its place', async () => {
    const room = await makeRoom()
    const writer = new FakeConn(1, 'candidate')
    const reader = new FakeConn(2, 'interviewer')
    room.join(writer)
    room.join(reader)
    reader.sent.length = 0
    // Another relay commits seq 1; this relay's own update then gets seq 2.
    const theirs = recordUpdate('shape:theirs')
    expect(storage.commitUpdates([{ roomId: ROOM, update: { ts: 1, author: 'candidate', update: theirs } }])).toEqual([
      1,
    ])
    room.receive(writer, updateFrame(recordUpdate('shape:mine')))
    await room.committed()
    expect(room.holds(2)).toBe(true)
    expect(room.heldSeq).toBe(0)
    expect(room.hasGap).toBe(true)
    // A snapshot now would claim seq 1 without holding it: none is written.
    await room.snapshot()
    expect(storage.loadRoomState(ROOM).snapshot).toBeNull()

    room.applyRemoteUpdate(1, theirs)
    expect(room.heldSeq).toBe(2)
    expect(room.hasGap).toBe(false)
    expect([...room.doc.getMap('records').keys()].sort()).toEqual(['shape:mine', 'shape:theirs'])
    // Every socket here is sent it (it came from elsewhere); applying it twice changes nothing.
    expect(reader.decoded().filter((f) => f.type === 'sync' && f.sub === 2)).toHaveLength(2)
    expect(writer.decoded().filter((f) => f.type === 'sync' && f.sub === 2)).toHaveLength(1)
    room.applyRemoteUpdate(1, theirs)
    expect(writer.decoded().filter((f) => f.type === 'sync' && f.sub === 2)).toHaveLength(1)
    await room.snapshot()
    expect(storage.loadRoomState(ROOM)).toMatchObject({ snapshotSeq: 2, updates: [] })
  })

  it('keeps another relay’s awareness ids from being claimed here, and drops them on request', async () => {
    const room = await makeRoom()
    const published: Uint8Array[] = []
    room.setFanout({ committed: () => {}, awareness: (update) => published.push(update) })
    const peer = new FakeConn(1, 'candidate')
    room.join(peer)
    peer.sent.length = 0
    const remote = awarenessFrame([{ clientId: 42, clock: 1, state: { name: 'Remote', role: 'interviewer' } }])
    // Between relays travels the awareness update itself (the frame without its message type).
    const body = (decodeFrame(remote) as { payload: Uint8Array }).payload
    room.applyRemoteAwareness(body, [{ clientId: 42, state: { name: 'Remote' } }])
    expect(room.awareness.getStates().get(42)).toEqual({ name: 'Remote', role: 'interviewer' })
    // Shown to the sockets here, not published back.
    expect(peer.decoded().some((f) => f.type === 'awareness')).toBe(true)
    expect(published).toEqual([])
    // A socket here cannot take the id over.
    room.receive(peer, awarenessFrame([{ clientId: 42, clock: 9, state: { name: 'Impostor' } }]))
    expect(room.awareness.getStates().get(42)).toEqual({ name: 'Remote', role: 'interviewer' })
    // Its own state is published, with the role the server vouches for.
    room.receive(peer, awarenessFrame([{ clientId: 7, clock: 1, state: { name: 'Local' } }]))
    expect(published).toHaveLength(1)
    expect(decodeAwarenessPayload(published[0]!)).toEqual([
      { clientId: 7, clock: 1, state: { name: 'Local', role: 'candidate' } },
    ])
    room.removeRemoteClients([42])
    expect(room.awareness.getStates().has(42)).toBe(false)
    expect(published).toHaveLength(1)
  })

  it('frees another relay’s awareness id once it left there, for the same client arriving here', async () => {
    const room = await makeRoom()
    const body = (entries: Parameters<typeof awarenessFrame>[0]) =>
      (decodeFrame(awarenessFrame(entries)) as { payload: Uint8Array }).payload
    room.applyRemoteAwareness(body([{ clientId: 42, clock: 1, state: { name: 'Moving' } }]), [
      { clientId: 42, state: { name: 'Moving' } },
    ])
    room.applyRemoteAwareness(body([{ clientId: 42, clock: 2, state: null }]), [{ clientId: 42, state: null }])
    expect(room.awareness.getStates().has(42)).toBe(false)
    const arrived = new FakeConn(1, 'candidate')
    room.join(arrived)
    room.receive(arrived, awarenessFrame([{ clientId: 42, clock: 3, state: { name: 'Moving' } }]))
    expect(room.awareness.getStates().get(42)).toEqual({ name: 'Moving', role: 'candidate' })
  })

  it('lets the same participant take its awareness id over when it arrives here from another relay', async () => {
    const room = await makeRoom()
    const body = (entries: Parameters<typeof awarenessFrame>[0]) =>
      (decodeFrame(awarenessFrame(entries)) as { payload: Uint8Array }).payload
    const state = { user: { name: 'Cara', userId: 'participant-1' }, role: 'candidate' }
    room.applyRemoteAwareness(body([{ clientId: 42, clock: 5, state }]), [{ clientId: 42, state }])
    // Someone else still cannot; Cara (same server-issued participant id) can, from her next change.
    const other = new FakeConn(2, 'candidate', 'participant-2')
    const cara = new FakeConn(1, 'candidate', 'participant-1')
    room.join(other)
    room.join(cara)
    room.receive(other, awarenessFrame([{ clientId: 42, clock: 6, state: { user: { name: 'Not Cara' } } }]))
    expect(room.awareness.getStates().get(42)).toEqual(state)
    room.receive(cara, awarenessFrame([{ clientId: 42, clock: 6, state: { user: { name: 'Cara', x: 1 } } }]))
    expect(room.awareness.getStates().get(42)).toMatchObject({ user: { name: 'Cara', x: 1, userId: 'participant-1' } })
    // Her old relay going silent no longer removes what is hers here now.
    room.removeRemoteClients([42])
    expect(room.awareness.getStates().has(42)).toBe(true)
  })
})
