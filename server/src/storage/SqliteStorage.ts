import type { DatabaseSync, StatementSync } from 'node:sqlite'
import type { Role } from '@loopboard/protocol'
import { openSqliteDatabase } from './openSqliteDatabase.ts'
import type { NewUpdate, RoomRow, Storage, StoredRoomState, StoredUpdate } from './Storage.ts'

/** The database file's name inside DATA_DIR. */
export const DATABASE_FILE = 'loopboard.db'

/**
 * Embedded default: one SQLite file in WAL mode. Owns the rooms, room_tokens, room_updates and
 * room_snapshots tables; the other stores share the connection it was given and own theirs.
 */
export class SqliteStorage implements Storage {
  private db: DatabaseSync
  private stmt: Record<
    | 'insertRoom'
    | 'insertToken'
    | 'getRoom'
    | 'findSeat'
    | 'findByTokenHash'
    | 'replaceTokenHash'
    | 'appendUpdate'
    | 'insertJournaled'
    | 'roomLastSeq'
    | 'commitUpdate'
    | 'latestSnapshot'
    | 'updatesAfter'
    | 'lastSeq'
    | 'insertSnapshot'
    | 'deleteRoom'
    | 'inactiveSince'
    | 'setRolesSwapped'
    | 'updateSpan',
    StatementSync
  >

  /** On a database opened with {@link openSqliteDatabase}, or on its own connection to `file`. */
  constructor(database: DatabaseSync | string) {
    this.db = typeof database === 'string' ? openSqliteDatabase(database) : database
    const p = (sql: string) => this.db.prepare(sql)
    this.stmt = {
      insertRoom: p('INSERT INTO rooms (id, title, created_at, created_by_key) VALUES (?, ?, ?, ?)'),
      insertToken: p('INSERT INTO room_tokens (room_id, seat, token_hash) VALUES (?, ?, ?)'),
      getRoom: p(
        'SELECT id, title, created_at AS createdAt, roles_swapped AS rolesSwapped, created_by_key AS createdByKey FROM rooms WHERE id = ?'
      ),
      findByTokenHash: p('SELECT room_id AS roomId, seat FROM room_tokens WHERE token_hash = ?'),
      findSeat: p('SELECT seat FROM room_tokens WHERE room_id = ? AND token_hash = ?'),
      replaceTokenHash: p('UPDATE room_tokens SET token_hash = ? WHERE room_id = ? AND seat = ?'),
      appendUpdate: p('INSERT INTO room_updates (room_id, seq, ts, author, bytes) VALUES (?, ?, ?, ?, ?)'),
      // The room's next seq, found on the primary key's index inside the writing transaction.
      commitUpdate: p(
        `INSERT INTO room_updates (room_id, seq, ts, author, bytes)
         VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM room_updates WHERE room_id = ?1), ?2, ?3, ?4)
         RETURNING seq`
      ),
      latestSnapshot: p(
        'SELECT upto_seq AS uptoSeq, state FROM room_snapshots WHERE room_id = ? ORDER BY upto_seq DESC LIMIT 1'
      ),
      updatesAfter: p('SELECT seq, ts, author, bytes FROM room_updates WHERE room_id = ? AND seq > ? ORDER BY seq'),
      lastSeq: p('SELECT COALESCE(MAX(seq), 0) AS seq FROM room_updates WHERE room_id = ?'),
      // A snapshot can name a seq past the log's end (its rows still in a journal when the
      // machine lost power): numbering goes on past both, never reusing a seq a snapshot covers.
      roomLastSeq: p(`
        SELECT MAX(
          COALESCE((SELECT MAX(seq) FROM room_updates WHERE room_id = r.id), 0),
          COALESCE((SELECT MAX(upto_seq) FROM room_snapshots WHERE room_id = r.id), 0)
        ) AS seq FROM rooms r WHERE r.id = ?`),
      // Journal records of rooms deleted meanwhile are skipped; ones already stored are kept.
      insertJournaled: p(
        `INSERT OR IGNORE INTO room_updates (room_id, seq, ts, author, bytes)
         SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM rooms WHERE id = ?1)`
      ),
      insertSnapshot: p('INSERT OR REPLACE INTO room_snapshots (room_id, upto_seq, ts, state) VALUES (?, ?, ?, ?)'),
      // Every table of a room references it with ON DELETE CASCADE.
      deleteRoom: p('DELETE FROM rooms WHERE id = ?'),
      setRolesSwapped: p('UPDATE rooms SET roles_swapped = ? WHERE id = ?'),
      updateSpan: p('SELECT MIN(ts) AS first, MAX(ts) AS last FROM room_updates WHERE room_id = ?'),
      // Last activity: creation, the newest board update (seq order follows time), timeline
      // event, scorecard save or audio chunk. Each subquery walks an index of its table.
      inactiveSince: p(`
        SELECT id FROM (
          SELECT r.id AS id, MAX(
            r.created_at,
            COALESCE((SELECT u.ts FROM room_updates u WHERE u.room_id = r.id ORDER BY u.seq DESC LIMIT 1), 0),
            COALESCE((SELECT MAX(e.ts) FROM events e WHERE e.room_id = r.id), 0),
            COALESCE((SELECT MAX(s.updated_at) FROM scorecards s WHERE s.room_id = r.id), 0),
            COALESCE((SELECT MAX(c.received_at) FROM audio_chunks c WHERE c.room_id = r.id), 0)
          ) AS last FROM rooms r
        ) WHERE last < ? ORDER BY last`),
    }
  }

  createRoom(room: RoomRow, tokenHashes: Record<Role, string>): void {
    this.db.exec('BEGIN IMMEDIATE')
    try {
      this.stmt.insertRoom.run(room.id, room.title, room.createdAt, room.createdByKey ?? null)
      for (const [seat, hash] of Object.entries(tokenHashes)) this.stmt.insertToken.run(room.id, seat, hash)
      this.db.exec('COMMIT')
    } catch (error) {
      this.db.exec('ROLLBACK')
      throw error
    }
  }

  getRoom(roomId: string): RoomRow | null {
    const row = this.stmt.getRoom.get(roomId) as (Omit<RoomRow, 'rolesSwapped'> & { rolesSwapped: number }) | undefined
    return row ? { ...row, rolesSwapped: row.rolesSwapped === 1 } : null
  }

  replaceTokenHash(roomId: string, seat: Role, tokenHash: string): void {
    this.stmt.replaceTokenHash.run(tokenHash, roomId, seat)
  }

  findByTokenHash(tokenHash: string): { roomId: string; seat: Role } | null {
    return (this.stmt.findByTokenHash.get(tokenHash) as { roomId: string; seat: Role } | undefined) ?? null
  }

  deleteRoom(roomId: string): boolean {
    return Number(this.stmt.deleteRoom.run(roomId).changes) > 0
  }

  roomsInactiveSince(before: number): string[] {
    return (this.stmt.inactiveSince.all(before) as Array<{ id: string }>).map((r) => r.id)
  }

  setRolesSwapped(roomId: string, swapped: boolean): void {
    this.stmt.setRolesSwapped.run(swapped ? 1 : 0, roomId)
  }

  updateSpan(roomId: string): { first: number | null; last: number | null } {
    return this.stmt.updateSpan.get(roomId) as { first: number | null; last: number | null }
  }

  findSeat(roomId: string, tokenHash: string): Role | null {
    const row = this.stmt.findSeat.get(roomId, tokenHash) as { seat: Role } | undefined
    return row?.seat ?? null
  }

  appendUpdate(roomId: string, u: StoredUpdate): void {
    this.stmt.appendUpdate.run(roomId, u.seq, u.ts, u.author, u.update)
  }

  appendUpdates(batch: ReadonlyArray<{ roomId: string; update: StoredUpdate }>): void {
    if (!batch.length) return
    this.db.exec('BEGIN IMMEDIATE')
    try {
      for (const { roomId, update: u } of batch) this.stmt.appendUpdate.run(roomId, u.seq, u.ts, u.author, u.update)
      this.db.exec('COMMIT')
    } catch (error) {
      this.db.exec('ROLLBACK')
      throw error
    }
  }

  commitUpdates(batch: ReadonlyArray<{ roomId: string; update: NewUpdate }>): number[] {
    if (!batch.length) return []
    const seqs: number[] = []
    this.db.exec('BEGIN IMMEDIATE')
    try {
      for (const { roomId, update: u } of batch) {
        seqs.push((this.stmt.commitUpdate.get(roomId, u.ts, u.author, u.update) as { seq: number }).seq)
      }
      this.db.exec('COMMIT')
    } catch (error) {
      this.db.exec('ROLLBACK')
      throw error
    }
    return seqs
  }

  /** The room's highest seq in its log or snapshots (0 with none), or null if there is no such room. */
  lastSeqOf(roomId: string): number | null {
    const row = this.stmt.roomLastSeq.get(roomId) as { seq: number } | undefined
    return row ? row.seq : null
  }

  /**
   * Store updates from a journal (moved in the background, or taken back after a restart), in one
   * transaction: those already stored, and those of rooms that no longer exist, are skipped.
   * Returns how many were stored.
   */
  insertJournaled(batch: ReadonlyArray<StoredUpdate & { roomId: string }>): number {
    let stored = 0
    this.db.exec('BEGIN IMMEDIATE')
    try {
      for (const u of batch) {
        stored += Number(this.stmt.insertJournaled.run(u.roomId, u.seq, u.ts, u.author, u.update).changes)
      }
      this.db.exec('COMMIT')
    } catch (error) {
      this.db.exec('ROLLBACK')
      throw error
    }
    return stored
  }

  /**
   * In one read transaction: another connection (the journal's worker) may commit between its
   * statements, and a `lastSeq` read after rows it did not see would claim updates it lacks.
   */
  loadRoomState(roomId: string): StoredRoomState {
    this.db.exec('BEGIN')
    try {
      const snap = this.stmt.latestSnapshot.get(roomId) as { uptoSeq: number; state: Uint8Array } | undefined
      const snapshotSeq = snap?.uptoSeq ?? 0
      const rows = this.stmt.updatesAfter.all(roomId, snapshotSeq) as Array<{ seq: number; bytes: Uint8Array }>
      const lastSeq = rows.length ? rows[rows.length - 1]!.seq : (this.stmt.lastSeq.get(roomId) as { seq: number }).seq
      return { snapshot: snap?.state ?? null, updates: rows.map((r) => r.bytes), lastSeq, snapshotSeq }
    } finally {
      this.db.exec('COMMIT')
    }
  }

  saveSnapshot(roomId: string, uptoSeq: number, state: Uint8Array, ts: number): void {
    this.stmt.insertSnapshot.run(roomId, uptoSeq, ts, state)
  }

  readUpdates(roomId: string, afterSeq = 0): StoredUpdate[] {
    const rows = this.stmt.updatesAfter.all(roomId, afterSeq) as Array<{
      seq: number
      ts: number
      author: Role
      bytes: Uint8Array
    }>
    return rows.map((r) => ({ seq: r.seq, ts: r.ts, author: r.author, update: r.bytes }))
  }

  ping(): void {
    this.db.prepare('SELECT 1').get()
  }

  close(): void {
    if (this.db.isOpen) this.db.close()
  }
}
