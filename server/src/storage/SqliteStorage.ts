import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { DatabaseSync, type StatementSync } from 'node:sqlite'
import type { Role } from '@loopboard/protocol'
import { migrate } from './migrations.ts'
import type { RoomRow, Storage, StoredRoomState, StoredUpdate } from './Storage.ts'

/** Embedded default: one SQLite file in WAL mode. */
export class SqliteStorage implements Storage {
  private db: DatabaseSync
  private stmt: Record<
    | 'insertRoom'
    | 'insertToken'
    | 'getRoom'
    | 'findSeat'
    | 'findByTokenHash'
    | 'appendUpdate'
    | 'latestSnapshot'
    | 'updatesAfter'
    | 'lastSeq'
    | 'insertSnapshot',
    StatementSync
  >

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
    this.db = new DatabaseSync(file)
    this.db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = NORMAL;
      PRAGMA busy_timeout = 5000;
      PRAGMA foreign_keys = ON;
    `)
    migrate(this.db)
    const p = (sql: string) => this.db.prepare(sql)
    this.stmt = {
      insertRoom: p('INSERT INTO rooms (id, title, created_at) VALUES (?, ?, ?)'),
      insertToken: p('INSERT INTO room_tokens (room_id, seat, token_hash) VALUES (?, ?, ?)'),
      getRoom: p('SELECT id, title, created_at AS createdAt, roles_swapped AS rolesSwapped FROM rooms WHERE id = ?'),
      findByTokenHash: p('SELECT room_id AS roomId, seat FROM room_tokens WHERE token_hash = ?'),
      findSeat: p('SELECT seat FROM room_tokens WHERE room_id = ? AND token_hash = ?'),
      appendUpdate: p('INSERT INTO room_updates (room_id, seq, ts, author, bytes) VALUES (?, ?, ?, ?, ?)'),
      latestSnapshot: p(
        'SELECT upto_seq AS uptoSeq, state FROM room_snapshots WHERE room_id = ? ORDER BY upto_seq DESC LIMIT 1'
      ),
      updatesAfter: p('SELECT seq, ts, author, bytes FROM room_updates WHERE room_id = ? AND seq > ? ORDER BY seq'),
      lastSeq: p('SELECT COALESCE(MAX(seq), 0) AS seq FROM room_updates WHERE room_id = ?'),
      insertSnapshot: p('INSERT OR REPLACE INTO room_snapshots (room_id, upto_seq, ts, state) VALUES (?, ?, ?, ?)'),
    }
  }

  createRoom(room: RoomRow, tokenHashes: Record<Role, string>): void {
    this.db.exec('BEGIN')
    try {
      this.stmt.insertRoom.run(room.id, room.title, room.createdAt)
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

  findByTokenHash(tokenHash: string): { roomId: string; seat: Role } | null {
    return (this.stmt.findByTokenHash.get(tokenHash) as { roomId: string; seat: Role } | undefined) ?? null
  }

  /** The open database, for stores that share it (the interview tables). */
  get database(): DatabaseSync {
    return this.db
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
    this.db.exec('BEGIN')
    try {
      for (const { roomId, update: u } of batch) this.stmt.appendUpdate.run(roomId, u.seq, u.ts, u.author, u.update)
      this.db.exec('COMMIT')
    } catch (error) {
      this.db.exec('ROLLBACK')
      throw error
    }
  }

  loadRoomState(roomId: string): StoredRoomState {
    const snap = this.stmt.latestSnapshot.get(roomId) as { uptoSeq: number; state: Uint8Array } | undefined
    const snapshotSeq = snap?.uptoSeq ?? 0
    const rows = this.stmt.updatesAfter.all(roomId, snapshotSeq) as Array<{ seq: number; bytes: Uint8Array }>
    const lastSeq = rows.length ? rows[rows.length - 1]!.seq : (this.stmt.lastSeq.get(roomId) as { seq: number }).seq
    return { snapshot: snap?.state ?? null, updates: rows.map((r) => r.bytes), lastSeq, snapshotSeq }
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

  close(): void {
    if (this.db.isOpen) this.db.close()
  }
}
