import type { DatabaseSync, StatementSync } from 'node:sqlite'
import { promised } from '../storage/promised.ts'
import type { InterviewerKeyInfo, InterviewerKeyStore } from './InterviewerKeys.ts'

/** The `interviewer_keys` table of the embedded SQLite database (migration 4). Synchronous. */
export class SqliteInterviewerKeyStore {
  private stmt: Record<'insert' | 'list' | 'byHash' | 'revoke', StatementSync>

  constructor(db: DatabaseSync) {
    const p = (sql: string) => db.prepare(sql)
    this.stmt = {
      insert: p('INSERT INTO interviewer_keys (id, label, key_hash, created_at) VALUES (?, ?, ?, ?)'),
      list: p(
        'SELECT id, label, created_at AS createdAt, revoked_at AS revokedAt FROM interviewer_keys ORDER BY created_at, id'
      ),
      byHash: p('SELECT id, revoked_at AS revokedAt FROM interviewer_keys WHERE key_hash = ?'),
      revoke: p('UPDATE interviewer_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    }
  }

  insert(key: InterviewerKeyInfo & { keyHash: string }): void {
    this.stmt.insert.run(key.id, key.label, key.keyHash, key.createdAt)
  }

  list(): InterviewerKeyInfo[] {
    return this.stmt.list.all() as unknown as InterviewerKeyInfo[]
  }

  byHash(keyHash: string): { id: string; revokedAt: number | null } | null {
    return (this.stmt.byHash.get(keyHash) as { id: string; revokedAt: number | null } | undefined) ?? null
  }

  revoke(id: string, now: number): boolean {
    return Number(this.stmt.revoke.run(now, id).changes) > 0
  }
}

/** The embedded SQLite's keys behind the asynchronous {@link InterviewerKeyStore}. */
export function sqliteInterviewerKeyStore(db: DatabaseSync): InterviewerKeyStore {
  return promised(new SqliteInterviewerKeyStore(db))
}
