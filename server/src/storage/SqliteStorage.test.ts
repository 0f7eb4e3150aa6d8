import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import type { Role } from '@loopboard/protocol'
import { afterEach, describe, expect, it } from 'vitest'
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

// What every backend must do is in storageContract.ts (SqliteStorage.contract.test.ts runs it);
// here, what is particular to SQLite: the file, its journal mode and migrations.
describe('SqliteStorage', () => {
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
