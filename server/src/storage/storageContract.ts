import type { Role } from '@loopboard/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { AsyncStorage } from './AsyncStorage.ts'
import type { Storage } from './Storage.ts'

/** A backend under test: the synchronous interface or the asynchronous one. */
export type AnyStorage = Storage | AsyncStorage
/**
 * Opens a fresh, empty backend for one test (its close() runs after the test). `reopen` opens
 * the same data again after close(), for the persistence test.
 */
export type StorageFactory = () =>
  | (AnyStorage & { reopen?: () => AnyStorage | Promise<AnyStorage> })
  | Promise<AnyStorage & { reopen?: () => AnyStorage | Promise<AnyStorage> }>

const hashes = (prefix: string): Record<Role, string> => ({
  interviewer: `${prefix}-i`,
  candidate: `${prefix}-c`,
  observer: `${prefix}-o`,
})

const bytes = (...values: number[]) => new Uint8Array(values)
const update = (seq: number, ts = seq, author: Role = 'candidate', body: Uint8Array = bytes(seq)) => ({
  seq,
  ts,
  author,
  update: body,
})

/**
 * What every {@link Storage} backend must do, as one suite run against each of them (the model is
 * tldraw sync-core's storage contract tests): `storageContract('SqliteStorage', () => new
 * SqliteStorage(':memory:'))` in `SqliteStorage.contract.test.ts`, and the same line for the next
 * backend. Every call is awaited, so a backend whose methods return promises runs it unchanged
 * (`PostgresStorage.test.ts` runs it against a real Postgres).
 */
export function storageContract(name: string, open: StorageFactory): void {
  describe(`${name}: storage contract`, () => {
    const opened: AnyStorage[] = []
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close()
    })
    const storage = async () => {
      const s = await open()
      opened.push(s)
      return s
    }
    const withRooms = async (...ids: string[]) => {
      const s = await storage()
      for (const id of ids) await s.createRoom({ id, title: id, createdAt: 1 }, hashes(id))
      return s
    }

    it('creates rooms and finds seats by token hash, per room', async () => {
      const s = await storage()
      await s.createRoom({ id: 'r1', title: 'One', createdAt: 1 }, hashes('a'))
      await s.createRoom({ id: 'r2', title: 'Two', createdAt: 2 }, hashes('b'))
      expect(await s.getRoom('r1')).toMatchObject({ id: 'r1', title: 'One', createdAt: 1, rolesSwapped: false })
      expect(await s.getRoom('nope')).toBeNull()
      expect(await s.findSeat('r1', 'a-c')).toBe('candidate')
      expect(await s.findSeat('r1', 'a-o')).toBe('observer')
      expect(await s.findSeat('r1', 'b-i')).toBeNull()
      expect(await s.findSeat('r2', 'b-i')).toBe('interviewer')
      expect(await s.findByTokenHash('b-c')).toEqual({ roomId: 'r2', seat: 'candidate' })
      expect(await s.findByTokenHash('nobody')).toBeNull()
    })

    it('creates a room atomically: a clashing token hash leaves no room behind', async () => {
      const s = await storage()
      await s.createRoom({ id: 'r1', title: 'One', createdAt: 1 }, hashes('a'))
      await expect(
        (async () => s.createRoom({ id: 'r2', title: 'Two', createdAt: 2 }, { ...hashes('b'), observer: 'a-o' }))()
      ).rejects.toThrow()
      expect(await s.getRoom('r2')).toBeNull()
      expect(await s.findSeat('r2', 'b-i')).toBeNull()
    })

    it('records a role swap on the room, and its undoing', async () => {
      const s = await withRooms('r1')
      await s.setRolesSwapped('r1', true)
      expect((await s.getRoom('r1'))?.rolesSwapped).toBe(true)
      await s.setRolesSwapped('r1', false)
      expect((await s.getRoom('r1'))?.rolesSwapped).toBe(false)
    })

    it('keeps the update log in order, with author and time, per room', async () => {
      const s = await withRooms('r1', 'r2')
      await s.appendUpdate('r1', update(2, 200, 'candidate'))
      await s.appendUpdate('r1', update(1, 100, 'interviewer'))
      await s.appendUpdate('r2', update(1, 300, 'candidate', bytes(9)))
      const log = await s.readUpdates('r1')
      expect(log.map((u) => [u.seq, u.ts, u.author, [...u.update]])).toEqual([
        [1, 100, 'interviewer', [1]],
        [2, 200, 'candidate', [2]],
      ])
      expect((await s.readUpdates('r1', 1)).map((u) => u.seq)).toEqual([2])
      expect(await s.readUpdates('r2')).toHaveLength(1)
      expect(await s.updateSpan('r1')).toEqual({ first: 100, last: 200 })
      expect(await s.updateSpan('r2')).toEqual({ first: 300, last: 300 })
    })

    it('refuses a duplicate seq and an update for an unknown room', async () => {
      const s = await withRooms('r1')
      await s.appendUpdate('r1', update(1))
      await expect((async () => s.appendUpdate('r1', update(1, 2, 'candidate', bytes(2))))()).rejects.toThrow()
      await expect((async () => s.appendUpdate('ghost', update(1)))()).rejects.toThrow()
      expect((await s.readUpdates('r1')).map((u) => [...u.update])).toEqual([[1]])
      expect(await s.readUpdates('ghost')).toEqual([])
    })

    it('appends a batch of updates of several rooms all together, or none of them', async () => {
      const s = await withRooms('r1', 'r2')
      await s.appendUpdates([
        { roomId: 'r1', update: update(1) },
        { roomId: 'r2', update: update(1) },
        { roomId: 'r1', update: update(2) },
      ])
      expect((await s.readUpdates('r1')).map((u) => u.seq)).toEqual([1, 2])
      expect((await s.readUpdates('r2')).map((u) => u.seq)).toEqual([1])
      // One bad member (a room that does not exist) and the whole batch is refused.
      await expect(
        (async () =>
          s.appendUpdates([
            { roomId: 'r1', update: update(3) },
            { roomId: 'ghost', update: update(1) },
            { roomId: 'r2', update: update(2) },
          ]))()
      ).rejects.toThrow()
      expect((await s.readUpdates('r1')).map((u) => u.seq)).toEqual([1, 2])
      expect((await s.readUpdates('r2')).map((u) => u.seq)).toEqual([1])
      await s.appendUpdates([])
    })

    it('numbers committed updates itself: each room’s next seqs, in batch order, all or none', async () => {
      const s = await withRooms('r1', 'r2')
      const fresh = (n: number, author: Role = 'candidate') => ({ ts: 100 + n, author, update: bytes(n) })
      expect(await s.commitUpdates([])).toEqual([])
      expect(
        await s.commitUpdates([
          { roomId: 'r1', update: fresh(1) },
          { roomId: 'r2', update: fresh(2, 'interviewer') },
          { roomId: 'r1', update: fresh(3) },
        ])
      ).toEqual([1, 1, 2])
      // After updates appended with their own seqs, numbering carries on past them.
      await s.appendUpdate('r2', update(5))
      expect(await s.commitUpdates([{ roomId: 'r2', update: fresh(6) }])).toEqual([6])
      await expect(
        (async () =>
          s.commitUpdates([
            { roomId: 'r1', update: fresh(7) },
            { roomId: 'ghost', update: fresh(8) },
          ]))()
      ).rejects.toThrow()
      expect((await s.readUpdates('r1')).map((u) => [u.seq, u.ts, u.author, [...u.update]])).toEqual([
        [1, 101, 'candidate', [1]],
        [2, 103, 'candidate', [3]],
      ])
      expect((await s.readUpdates('r2')).map((u) => u.seq)).toEqual([1, 5, 6])
      expect(await s.loadRoomState('r2')).toMatchObject({ lastSeq: 6 })
      // Commits racing each other (relays sharing one database) never get the same seq.
      const raced = await Promise.all(
        [1, 2, 3, 4].map(async (i) =>
          s.commitUpdates([
            { roomId: 'r1', update: fresh(10 + i) },
            { roomId: 'r2', update: fresh(20 + i) },
          ])
        )
      )
      expect(raced.map(([a]) => a).sort((x, y) => x! - y!)).toEqual([3, 4, 5, 6])
      expect(raced.map(([, b]) => b).sort((x, y) => x! - y!)).toEqual([7, 8, 9, 10])
      expect((await s.readUpdates('r1')).map((u) => u.seq)).toEqual([1, 2, 3, 4, 5, 6])
    })

    it('loads the latest snapshot and only the updates after it', async () => {
      const s = await withRooms('r1')
      expect(await s.loadRoomState('r1')).toEqual({ snapshot: null, updates: [], lastSeq: 0, snapshotSeq: 0 })
      for (let seq = 1; seq <= 5; seq++) await s.appendUpdate('r1', update(seq))
      await s.saveSnapshot('r1', 2, bytes(0xa2), 10)
      await s.saveSnapshot('r1', 4, bytes(0xa4), 11)
      const state = await s.loadRoomState('r1')
      expect(state.snapshot && [...state.snapshot]).toEqual([0xa4])
      expect(state.updates.map((u) => [...u])).toEqual([[5]])
      expect(state).toMatchObject({ lastSeq: 5, snapshotSeq: 4 })
      // A snapshot covering the whole log: nothing after it, lastSeq still known.
      await s.saveSnapshot('r1', 5, bytes(0xa5), 12)
      expect(await s.loadRoomState('r1')).toMatchObject({ updates: [], lastSeq: 5, snapshotSeq: 5 })
      // The log itself is kept in full.
      expect(await s.readUpdates('r1')).toHaveLength(5)
    })

    it('round-trips Yjs bytes exactly', async () => {
      const s = await withRooms('r1')
      const doc = new Y.Doc()
      doc.getMap('records').set('shape:1', { type: 'geo', x: 10 })
      await s.appendUpdate('r1', update(1, 1, 'interviewer', Y.encodeStateAsUpdate(doc)))
      const copy = new Y.Doc()
      Y.applyUpdate(copy, (await s.loadRoomState('r1')).updates[0]!)
      expect(copy.getMap('records').toJSON()).toEqual({ 'shape:1': { type: 'geo', x: 10 } })
    })

    it('deletes a room with everything of it, and nothing of the others', async () => {
      const s = await withRooms('r1', 'r2')
      await s.appendUpdate('r1', update(1))
      await s.saveSnapshot('r1', 1, bytes(0xa1), 2)
      await s.appendUpdate('r2', update(1))
      expect(await s.deleteRoom('r1')).toBe(true)
      expect(await s.deleteRoom('r1')).toBe(false)
      expect(await s.getRoom('r1')).toBeNull()
      expect(await s.findSeat('r1', 'r1-i')).toBeNull()
      expect(await s.findByTokenHash('r1-i')).toBeNull()
      expect(await s.readUpdates('r1')).toEqual([])
      expect(await s.loadRoomState('r1')).toEqual({ snapshot: null, updates: [], lastSeq: 0, snapshotSeq: 0 })
      expect(await s.readUpdates('r2')).toHaveLength(1)
      expect(await s.findSeat('r2', 'r2-i')).toBe('interviewer')
    })

    it('lists rooms idle since a time, stalest first, counting board updates as activity', async () => {
      const s = await storage()
      await s.createRoom({ id: 'old', title: 'Old', createdAt: 100 }, hashes('old'))
      await s.createRoom({ id: 'older', title: 'Older', createdAt: 50 }, hashes('older'))
      await s.createRoom({ id: 'drawn', title: 'Drawn', createdAt: 10 }, hashes('drawn'))
      await s.createRoom({ id: 'new', title: 'New', createdAt: 1_000 }, hashes('new'))
      await s.appendUpdate('drawn', update(1, 900))
      expect(await s.roomsInactiveSince(500)).toEqual(['older', 'old'])
      expect(await s.roomsInactiveSince(0)).toEqual([])
    })

    it('keeps the key that created a room, and refuses a second room with the same id', async () => {
      const s = await storage()
      await s.createRoom({ id: 'r1', title: 'One', createdAt: 1, createdByKey: 'key-1' }, hashes('a'))
      expect(await s.getRoom('r1')).toEqual({
        id: 'r1',
        title: 'One',
        createdAt: 1,
        rolesSwapped: false,
        createdByKey: 'key-1',
      })
      await expect(
        (async () => s.createRoom({ id: 'r1', title: 'Again', createdAt: 3 }, hashes('c')))()
      ).rejects.toThrow()
      expect((await s.getRoom('r1'))?.title).toBe('One')
      expect(await s.findByTokenHash('c-i')).toBeNull()
    })

    it('refuses a whole batch when one member repeats a stored seq', async () => {
      const s = await withRooms('r1', 'r2')
      await s.appendUpdates([{ roomId: 'r1', update: update(1) }])
      await expect(
        (async () =>
          s.appendUpdates([
            { roomId: 'r2', update: update(1) },
            { roomId: 'r1', update: update(2) },
            { roomId: 'r1', update: update(1) },
          ]))()
      ).rejects.toThrow()
      expect((await s.readUpdates('r1')).map((u) => u.seq)).toEqual([1])
      expect(await s.readUpdates('r2')).toEqual([])
    })

    it('replaces a snapshot saved again at the same seq', async () => {
      const s = await withRooms('r1')
      await s.appendUpdate('r1', update(1))
      await s.saveSnapshot('r1', 1, bytes(0xa1), 2)
      await s.saveSnapshot('r1', 1, bytes(0xb1), 3)
      expect([...(await s.loadRoomState('r1')).snapshot!]).toEqual([0xb1])
    })

    it('stores exactly the bytes of a large update given as a view into a larger buffer', async () => {
      const s = await withRooms('r1')
      const doc = new Y.Doc()
      doc.getMap('records').set('shape:1', { type: 'text', label: 'ü ✓ 🙂' })
      doc.getText('notes').insert(0, 'x'.repeat(200_000))
      const full = Y.encodeStateAsUpdate(doc)
      const padded = new Uint8Array(full.byteLength + 8).fill(0xff)
      padded.set(full, 4)
      await s.appendUpdate('r1', update(1, 1, 'interviewer', padded.subarray(4, 4 + full.byteLength)))
      await s.saveSnapshot('r1', 1, full, 2)
      const stored = (await s.readUpdates('r1'))[0]!.update
      expect(Buffer.from(stored).equals(Buffer.from(full))).toBe(true)
      expect(Buffer.from((await s.loadRoomState('r1')).snapshot!).equals(Buffer.from(full))).toBe(true)
    })

    it('frees a deleted room’s id and token hashes for reuse', async () => {
      const s = await withRooms('r1')
      await s.deleteRoom('r1')
      await s.createRoom({ id: 'r1', title: 'New', createdAt: 5 }, hashes('r1'))
      expect(await s.findSeat('r1', 'r1-c')).toBe('candidate')
      expect(await s.readUpdates('r1')).toEqual([])
    })

    it('keeps everything when closed and opened again', async () => {
      const s = await open()
      if (!s.reopen) throw new Error(`${name}: the factory must give reopen() for the persistence test`)
      await s.createRoom({ id: 'r1', title: 'One', createdAt: 1 }, hashes('a'))
      await s.appendUpdate('r1', update(1, 1, 'candidate', bytes(7)))
      await s.saveSnapshot('r1', 1, bytes(8), 2)
      await s.close()
      const again = await s.reopen()
      opened.push(again)
      expect((await again.getRoom('r1'))?.title).toBe('One')
      expect((await again.readUpdates('r1')).map((u) => [...u.update])).toEqual([[7]])
      expect(await again.loadRoomState('r1')).toMatchObject({ lastSeq: 1, snapshotSeq: 1 })
    })

    it('answers ping while open, refuses it once closed, and closes twice without error', async () => {
      const s = await open()
      await s.ping()
      await s.close()
      await expect((async () => s.ping())()).rejects.toThrow()
      await s.close()
    })
  })
}
