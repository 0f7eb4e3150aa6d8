import { randomBytes } from 'node:crypto'
import type { DatabaseSync, StatementSync } from 'node:sqlite'
import { hashToken } from './tokens.ts'

/** Interviewer keys carry 256 bits of randomness, like capability tokens. */
const KEY_BYTES = 32
/** The id is public (it is listed and recorded with each room); it only names the key. */
const KEY_ID_BYTES = 6
/** Keys look like `lbk_…` so a leaked one is recognisable in a log or a paste. */
const KEY_PREFIX = 'lbk_'
export const MAX_KEY_LABEL_LENGTH = 100

export interface InterviewerKeyInfo {
  id: string
  label: string
  createdAt: number
  revokedAt: number | null
}

export type KeyCheck = { ok: true; id: string } | { ok: false; reason: 'unknown' | 'revoked' }

/**
 * The keys that may create rooms when `ROOM_CREATION=restricted`. Only a key's SHA-256 is
 * stored; the key itself is shown once, when it is created. Managed with `npm run keys`.
 */
export class InterviewerKeys {
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

  /** A new key: the secret is in the answer and nowhere else. */
  create(label: string, now = Date.now()): InterviewerKeyInfo & { key: string } {
    const clean = label.trim()
    if (!clean || clean.length > MAX_KEY_LABEL_LENGTH) {
      throw new Error(`A key's label is 1 to ${MAX_KEY_LABEL_LENGTH} characters.`)
    }
    const key = KEY_PREFIX + randomBytes(KEY_BYTES).toString('base64url')
    const id = randomBytes(KEY_ID_BYTES).toString('hex')
    this.stmt.insert.run(id, clean, hashToken(key), now)
    return { id, label: clean, createdAt: now, revokedAt: null, key }
  }

  list(): InterviewerKeyInfo[] {
    return this.stmt.list.all() as unknown as InterviewerKeyInfo[]
  }

  /** Revoke a key; false when there is no such key or it was already revoked. */
  revoke(id: string, now = Date.now()): boolean {
    return Number(this.stmt.revoke.run(now, id).changes) > 0
  }

  /** Whether `key` is a live key, and which. */
  check(key: string): KeyCheck {
    const row = this.stmt.byHash.get(hashToken(key)) as { id: string; revokedAt: number | null } | undefined
    if (!row) return { ok: false, reason: 'unknown' }
    if (row.revokedAt !== null) return { ok: false, reason: 'revoked' }
    return { ok: true, id: row.id }
  }
}
