import { randomBytes } from 'node:crypto'
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
 * Where interviewer keys are kept: only their hashes. The embedded SQLite
 * (`SqliteInterviewerKeyStore`) and Postgres (`PostgresInterviewerKeyStore`) implement it;
 * `interviewerKeyStoreContract.ts` runs against both.
 */
export interface InterviewerKeyStore {
  insert(key: InterviewerKeyInfo & { keyHash: string }): Promise<void>
  /** Every key, oldest first. */
  list(): Promise<InterviewerKeyInfo[]>
  byHash(keyHash: string): Promise<{ id: string; revokedAt: number | null } | null>
  /** Mark a live key revoked; false when there is no such key or it was already revoked. */
  revoke(id: string, now: number): Promise<boolean>
}

/**
 * The keys that may create rooms when `ROOM_CREATION=restricted`. Only a key's SHA-256 is
 * stored; the key itself is shown once, when it is created. Managed with `npm run keys`.
 */
export class InterviewerKeys {
  private store: InterviewerKeyStore

  constructor(store: InterviewerKeyStore) {
    this.store = store
  }

  /** A new key: the secret is in the answer and nowhere else. */
  async create(label: string, now = Date.now()): Promise<InterviewerKeyInfo & { key: string }> {
    const clean = label.trim()
    if (!clean || clean.length > MAX_KEY_LABEL_LENGTH) {
      throw new Error(`A key's label is 1 to ${MAX_KEY_LABEL_LENGTH} characters.`)
    }
    const key = KEY_PREFIX + randomBytes(KEY_BYTES).toString('base64url')
    const info: InterviewerKeyInfo = {
      id: randomBytes(KEY_ID_BYTES).toString('hex'),
      label: clean,
      createdAt: now,
      revokedAt: null,
    }
    await this.store.insert({ ...info, keyHash: hashToken(key) })
    return { ...info, key }
  }

  list(): Promise<InterviewerKeyInfo[]> {
    return this.store.list()
  }

  /** Revoke a key; false when there is no such key or it was already revoked. */
  revoke(id: string, now = Date.now()): Promise<boolean> {
    return this.store.revoke(id, now)
  }

  /** Whether `key` is a live key, and which. */
  async check(key: string): Promise<KeyCheck> {
    const row = await this.store.byHash(hashToken(key))
    if (!row) return { ok: false, reason: 'unknown' }
    if (row.revokedAt !== null) return { ok: false, reason: 'revoked' }
    return { ok: true, id: row.id }
  }
}
