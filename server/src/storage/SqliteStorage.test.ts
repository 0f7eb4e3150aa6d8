import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import type { Role } from '@loopboard/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { useTestContext } from '../test/helpers.ts'
import { SqliteStorage } from './SqliteStorage.ts'

const ctx = useTestContext()
const open: SqliteStorage[] = []
afterEach(() => {
  for (const s of open.splice(0)) s.close()
})

function storage(file = ':memory:') {
  const s = new SqliteStorage(file)
  open.push(s)
  return s
}

const hashes = (prefix: string): Record<Role, string> => ({
  interviewer: `${prefix}-i`,
  candidate: `${prefix}-c`,
  observer: `${prefix}-o`,
})

const bytes = (...values: number[]) => new Uint8Array(values)

describe('SqliteStorage', () => {
  it('creates rooms and finds seats by token hash, per room', () => {
    const s = storage()
    s.createRoom({ id: 'r1', title: 'One', createdAt: 1 }, hashes('a'))
    s.createRoom({ id: 'r2', title: 'Two', createdAt: 2 }, hashes('b'))
    expect(s.getRoom('r1')).toMatchObject({ id: 'r1', title: 'One', createdAt: 1 })
    expect(s.getRoom('nope')).toBeNull()
    expect(s.findSeat('r1', 'a-c')).toBe('candidate')
    expect(s.findSeat('r1', 'a-o')).toBe('observer')
    expect(s.findSeat('r1', 'b-i')).toBeNull()
    expect(s.findSeat('r2', 'b-i')).toBe('interviewer')
  })

  it('creates a room atomically: a clashing token hash leaves no room behind', () => {
    const s = storage()
    s.createRoom({ id: 'r1', title: 'One', createdAt: 1 }, hashes('a'))
    expect(() => s.createRoom({ id: 'r2', title: 'Two', createdAt: 2 }, { ...hashes('b'), observer: 'a-o' })).toThrow()
    expect(s.getRoom('r2')).toBeNull()
    expect(s.findSeat('r2', 'b-i')).toBeNull()
  })

  it('keeps the update log in order, with author and time, per room', () => {
    const s = storage()
    s.createRoom({ id: 'r1', title: 'One', createdAt: 1 }, hashes('a'))
    s.createRoom({ id: 'r2', title: 'Two', createdAt: 1 }, hashes('b'))
    s.appendUpdate('r1', { seq: 2, ts: 200, author: 'candidate', update: bytes(2) })
    s.appendUpdate('r1', { seq: 1, ts: 100, author: 'interviewer', update: bytes(1) })
    s.appendUpdate('r2', { seq: 1, ts: 300, author: 'candidate', update: bytes(9) })
    const log = s.readUpdates('r1')
    expect(log.map((u) => [u.seq, u.ts, u.author, [...u.update]])).toEqual([
      [1, 100, 'interviewer', [1]],
      [2, 200, 'candidate', [2]],
    ])
    expect(s.readUpdates('r1', 1).map((u) => u.seq)).toEqual([2])
    expect(s.readUpdates('r2')).toHaveLength(1)
  })

  it('refuses a duplicate seq and an update for an unknown room', () => {
    const s = storage()
    s.createRoom({ id: 'r1', title: 'One', createdAt: 1 }, hashes('a'))
    s.appendUpdate('r1', { seq: 1, ts: 1, author: 'candidate', update: bytes(1) })
    expect(() => s.appendUpdate('r1', { seq: 1, ts: 2, author: 'candidate', update: bytes(2) })).toThrow()
    expect(() => s.appendUpdate('ghost', { seq: 1, ts: 1, author: 'candidate', update: bytes(1) })).toThrow()
    expect(s.readUpdates('r1').map((u) => [...u.update])).toEqual([[1]])
    expect(s.readUpdates('ghost')).toEqual([])
  })

  it('loads the latest snapshot and only the updates after it', () => {
    const s = storage()
    s.createRoom({ id: 'r1', title: 'One', createdAt: 1 }, hashes('a'))
    expect(s.loadRoomState('r1')).toEqual({ snapshot: null, updates: [], lastSeq: 0, snapshotSeq: 0 })
    for (let seq = 1; seq <= 5; seq++) s.appendUpdate('r1', { seq, ts: seq, author: 'candidate', update: bytes(seq) })
    s.saveSnapshot('r1', 2, bytes(0xa2), 10)
    s.saveSnapshot('r1', 4, bytes(0xa4), 11)
    const state = s.loadRoomState('r1')
    expect(state.snapshot && [...state.snapshot]).toEqual([0xa4])
    expect(state.updates.map((u) => [...u])).toEqual([[5]])
    expect(state).toMatchObject({ lastSeq: 5, snapshotSeq: 4 })
    // A snapshot covering the whole log: nothing after it, lastSeq still known.
    s.saveSnapshot('r1', 5, bytes(0xa5), 12)
    expect(s.loadRoomState('r1')).toMatchObject({ updates: [], lastSeq: 5, snapshotSeq: 5 })
    // The log itself is kept in full.
    expect(s.readUpdates('r1')).toHaveLength(5)
  })

  it('round-trips Yjs bytes exactly', () => {
    const s = storage()
    s.createRoom({ id: 'r1', title: 'One', createdAt: 1 }, hashes('a'))
    const doc = new Y.Doc()
    doc.getMap('records').set('shape:1', { type: 'geo', x: 10 })
    const update = Y.encodeStateAsUpdate(doc)
    s.appendUpdate('r1', { seq: 1, ts: 1, author: 'interviewer', update })
    const copy = new Y.Doc()
    Y.applyUpdate(copy, s.loadRoomState('r1').updates[0]!)
    expect(copy.getMap('records').toJSON()).toEqual({ 'shape:1': { type: 'geo', x: 10 } })
  })

  it('persists to a file, migrates once and reopens with everything', () => {
    const file = join(ctx.tempDir(), 'nested', 'loopboard.db')
    const inspect = () => {
      const db = new DatabaseSync(file, { readOnly: true })
      try {
        return {
          version: (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version,
          journal: (db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode,
        }
      } finally {
        db.close()
      }
    }
    const first = storage(file)
    first.createRoom({ id: 'r1', title: 'One', createdAt: 1 }, hashes('a'))
    first.appendUpdate('r1', { seq: 1, ts: 1, author: 'candidate', update: bytes(7) })
    first.close()
    const migrated = inspect()
    expect(migrated.version).toBeGreaterThanOrEqual(1)
    expect(migrated.journal).toBe('wal')

    // Reopening runs no migration again (it would fail on existing tables) and keeps everything.
    const second = storage(file)
    expect(second.getRoom('r1')?.title).toBe('One')
    expect(second.readUpdates('r1').map((u) => [...u.update])).toEqual([[7]])
    second.close()
    expect(inspect()).toEqual(migrated)
  })

  it('close is idempotent', () => {
    const s = storage()
    s.close()
    expect(() => s.close()).not.toThrow()
  })
})
