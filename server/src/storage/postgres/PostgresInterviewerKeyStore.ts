import type pg from 'pg'
import type { InterviewerKeyInfo, InterviewerKeyStore } from '../../rooms/InterviewerKeys.ts'

/** Interviewer keys (their hashes) in Postgres, shared by every relay and `npm run keys`. */
export class PostgresInterviewerKeyStore implements InterviewerKeyStore {
  private pool: pg.Pool

  /** `pool`: `PostgresStorage.pool` (BIGINT columns read as numbers). */
  constructor(pool: pg.Pool) {
    this.pool = pool
  }

  async insert(key: InterviewerKeyInfo & { keyHash: string }): Promise<void> {
    await this.pool.query('INSERT INTO interviewer_keys (id, label, key_hash, created_at) VALUES ($1, $2, $3, $4)', [
      key.id,
      key.label,
      key.keyHash,
      key.createdAt,
    ])
  }

  async list(): Promise<InterviewerKeyInfo[]> {
    const { rows } = await this.pool.query<InterviewerKeyInfo>(
      'SELECT id, label, created_at AS "createdAt", revoked_at AS "revokedAt" FROM interviewer_keys ORDER BY created_at, id'
    )
    return rows
  }

  async byHash(keyHash: string): Promise<{ id: string; revokedAt: number | null } | null> {
    const { rows } = await this.pool.query<{ id: string; revokedAt: number | null }>(
      'SELECT id, revoked_at AS "revokedAt" FROM interviewer_keys WHERE key_hash = $1',
      [keyHash]
    )
    return rows[0] ?? null
  }

  async revoke(id: string, now: number): Promise<boolean> {
    const result = await this.pool.query(
      'UPDATE interviewer_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL',
      [now, id]
    )
    return (result.rowCount ?? 0) > 0
  }
}
