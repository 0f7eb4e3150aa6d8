import type { Role } from '@loopboard/protocol'
import pg from 'pg'
import type { Logger } from '../../logger.ts'
import type { AsyncStorage } from '../AsyncStorage.ts'
import type { NewUpdate, RoomRow, StoredRoomState, StoredUpdate } from '../Storage.ts'
import { migratePostgres } from './migratePostgres.ts'
import { inTransaction } from './inTransaction.ts'

/** Postgres type OID of BIGINT (int8). */
const INT8_OID = 20
/** Connections per relay; the relay batches commits, so a few suffice. */
const POOL_MAX = 10
/** A connection that cannot be made in this long fails the query instead of hanging it. */
const CONNECT_TIMEOUT_MS = 5_000

/**
 * BIGINT columns hold ms timestamps and sequence numbers, all far below 2^53: read them as
 * numbers (pg's default is strings). Scoped to this pool, not pg's global parsers.
 */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
}

/** pg sends Buffers as bytea; a Uint8Array view is wrapped without copying. */
const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
/** Buffer is a Uint8Array; hand out a plain view of the same memory. */
const asBytes = (buffer: Buffer) => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)

export interface PostgresStorageOptions {
  /** `postgres://user:password@host:port/database` */
  url: string
  logger?: Logger
  poolMax?: number
}

/**
 * The board log and rooms in Postgres, for several relays sharing one source of truth.
 * Same contract as the embedded SQLite storage (storageContract.ts runs against both).
 */
export class PostgresStorage implements AsyncStorage {
  /** The connections, for the cluster's other Postgres users (room commands, runOnceInCluster). */
  readonly pool: pg.Pool
  private closed: Promise<void> | null = null

  private constructor(pool: pg.Pool) {
    this.pool = pool
  }

  /** Connect and migrate the schema (waiting for another relay that migrates at the same time). */
  static async open({ url, logger, poolMax = POOL_MAX }: PostgresStorageOptions): Promise<PostgresStorage> {
    const pool = new pg.Pool({
      connectionString: url,
      max: poolMax,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      types,
    })
    // An idle client losing its connection (Postgres restarted) must not crash the process.
    pool.on('error', (error) => logger?.warn('postgres connection lost', { error }))
    try {
      const client = await pool.connect()
      try {
        await migratePostgres(client, logger)
      } finally {
        client.release()
      }
    } catch (error) {
      await pool.end()
      throw error
    }
    return new PostgresStorage(pool)
  }

  private transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work)
  }

  async createRoom(room: RoomRow, tokenHashes: Record<Role, string>): Promise<void> {
    await this.transaction(async (client) => {
      await client.query('INSERT INTO rooms (id, title, created_at, created_by_key) VALUES ($1, $2, $3, $4)', [
        room.id,
        room.title,
        room.createdAt,
        room.createdByKey ?? null,
      ])
      const entries = Object.entries(tokenHashes)
      await client.query(
        'INSERT INTO room_tokens (room_id, seat, token_hash) SELECT $1, * FROM unnest($2::text[], $3::text[])',
        [room.id, entries.map(([seat]) => seat), entries.map(([, hash]) => hash)]
      )
    })
  }

  async getRoom(roomId: string): Promise<RoomRow | null> {
    const { rows } = await this.pool.query<RoomRow>(
      `SELECT id, title, created_at AS "createdAt", roles_swapped AS "rolesSwapped", created_by_key AS "createdByKey"
       FROM rooms WHERE id = $1`,
      [roomId]
    )
    return rows[0] ?? null
  }

  async replaceTokenHash(roomId: string, seat: Role, tokenHash: string): Promise<void> {
    await this.pool.query('UPDATE room_tokens SET token_hash = $1 WHERE room_id = $2 AND seat = $3', [
      tokenHash,
      roomId,
      seat,
    ])
  }

  async findSeat(roomId: string, tokenHash: string): Promise<Role | null> {
    const { rows } = await this.pool.query<{ seat: Role }>(
      'SELECT seat FROM room_tokens WHERE room_id = $1 AND token_hash = $2',
      [roomId, tokenHash]
    )
    return rows[0]?.seat ?? null
  }

  async findByTokenHash(tokenHash: string): Promise<{ roomId: string; seat: Role } | null> {
    const { rows } = await this.pool.query<{ roomId: string; seat: Role }>(
      'SELECT room_id AS "roomId", seat FROM room_tokens WHERE token_hash = $1',
      [tokenHash]
    )
    return rows[0] ?? null
  }

  async setRolesSwapped(roomId: string, swapped: boolean): Promise<void> {
    await this.pool.query('UPDATE rooms SET roles_swapped = $1 WHERE id = $2', [swapped, roomId])
  }

  async deleteRoom(roomId: string): Promise<boolean> {
    // Every table of a room references it with ON DELETE CASCADE.
    const result = await this.pool.query('DELETE FROM rooms WHERE id = $1', [roomId])
    return (result.rowCount ?? 0) > 0
  }

  async roomsInactiveSince(before: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT id FROM (
         SELECT r.id, GREATEST(
           r.created_at,
           COALESCE((SELECT u.ts FROM room_updates u WHERE u.room_id = r.id ORDER BY u.seq DESC LIMIT 1), 0),
           COALESCE((SELECT MAX(e.ts) FROM events e WHERE e.room_id = r.id), 0),
           COALESCE((SELECT MAX(s.updated_at) FROM scorecards s WHERE s.room_id = r.id), 0),
           COALESCE((SELECT MAX(c.received_at) FROM audio_chunks c WHERE c.room_id = r.id), 0)
         ) AS last FROM rooms r
       ) activity WHERE last < $1 ORDER BY last`,
      [before]
    )
    return rows.map((r) => r.id)
  }

  async appendUpdate(roomId: string, update: StoredUpdate): Promise<void> {
    await this.appendUpdates([{ roomId, update }])
  }

  async appendUpdates(batch: ReadonlyArray<{ roomId: string; update: StoredUpdate }>): Promise<void> {
    if (!batch.length) return
    // One statement is one transaction: all rows are stored, or none; rooms.last_seq follows.
    await this.pool.query(
      `WITH added AS (
         INSERT INTO room_updates (room_id, seq, ts, author, bytes)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::bytea[])
         RETURNING room_id, seq
       )
       UPDATE rooms r SET last_seq = GREATEST(r.last_seq, a.seq)
       FROM (SELECT room_id, MAX(seq) AS seq FROM added GROUP BY room_id) a WHERE r.id = a.room_id`,
      [
        batch.map((b) => b.roomId),
        batch.map((b) => b.update.seq),
        batch.map((b) => b.update.ts),
        batch.map((b) => b.update.author),
        batch.map((b) => asBuffer(b.update.update)),
      ]
    )
  }

  async commitUpdates(batch: ReadonlyArray<{ roomId: string; update: NewUpdate }>): Promise<number[]> {
    if (!batch.length) return []
    const counts = new Map<string, number>()
    for (const { roomId } of batch) counts.set(roomId, (counts.get(roomId) ?? 0) + 1)
    // Rooms are locked in id order, so two relays committing batches of the same rooms queue
    // behind each other instead of deadlocking.
    const rooms = [...counts.keys()].sort()
    return this.transaction(async (client) => {
      const { rows } = await client.query<{ id: string; last: number }>(
        `WITH locked AS (SELECT id FROM rooms WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE)
         UPDATE rooms r SET last_seq = r.last_seq + c.n
         FROM unnest($1::text[], $2::bigint[]) AS c(id, n), locked l
         WHERE r.id = c.id AND l.id = c.id
         RETURNING r.id, r.last_seq AS last`,
        [rooms, rooms.map((id) => counts.get(id)!)]
      )
      if (rows.length !== rooms.length) {
        const missing = rooms.filter((id) => !rows.some((r) => r.id === id))
        throw new Error(`no such room: ${missing.join(', ')}`)
      }
      // Each room's first new seq; members of the batch take them in order.
      const next = new Map(rows.map((r) => [r.id, r.last - counts.get(r.id)! + 1]))
      const seqs = batch.map(({ roomId }) => {
        const seq = next.get(roomId)!
        next.set(roomId, seq + 1)
        return seq
      })
      await client.query(
        `INSERT INTO room_updates (room_id, seq, ts, author, bytes)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::bytea[])`,
        [
          batch.map((b) => b.roomId),
          seqs,
          batch.map((b) => b.update.ts),
          batch.map((b) => b.update.author),
          batch.map((b) => asBuffer(b.update.update)),
        ]
      )
      return seqs
    })
  }

  async loadRoomState(roomId: string): Promise<StoredRoomState> {
    const snap = await this.pool.query<{ uptoSeq: number; state: Buffer }>(
      'SELECT upto_seq AS "uptoSeq", state FROM room_snapshots WHERE room_id = $1 ORDER BY upto_seq DESC LIMIT 1',
      [roomId]
    )
    const snapshot = snap.rows[0]
    const snapshotSeq = snapshot?.uptoSeq ?? 0
    const { rows } = await this.pool.query<{ seq: number; bytes: Buffer }>(
      'SELECT seq, bytes FROM room_updates WHERE room_id = $1 AND seq > $2 ORDER BY seq',
      [roomId, snapshotSeq]
    )
    let lastSeq = rows.at(-1)?.seq
    if (lastSeq === undefined) {
      const max = await this.pool.query<{ seq: number }>(
        'SELECT COALESCE(MAX(seq), 0)::bigint AS seq FROM room_updates WHERE room_id = $1',
        [roomId]
      )
      lastSeq = max.rows[0]!.seq
    }
    return {
      snapshot: snapshot ? asBytes(snapshot.state) : null,
      updates: rows.map((r) => asBytes(r.bytes)),
      lastSeq,
      snapshotSeq,
    }
  }

  /**
   * Several relays can hold one room, and each snapshots what it holds: one room's snapshot is
   * written by one relay at a time (a per-room advisory lock for the transaction; a relay that
   * finds it taken skips this snapshot, the holder is writing one), and never one older than a
   * snapshot already stored (a relay behind the others adds nothing).
   */
  async saveSnapshot(roomId: string, uptoSeq: number, state: Uint8Array, ts: number): Promise<void> {
    await this.transaction(async (client) => {
      const { rows } = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS locked',
        [snapshotLockName(roomId)]
      )
      if (!rows[0]!.locked) return
      await client.query(
        `INSERT INTO room_snapshots (room_id, upto_seq, ts, state)
         SELECT $1, $2, $3, $4
         WHERE NOT EXISTS (SELECT 1 FROM room_snapshots WHERE room_id = $1 AND upto_seq > $2)
         ON CONFLICT (room_id, upto_seq) DO UPDATE SET ts = excluded.ts, state = excluded.state`,
        [roomId, uptoSeq, ts, asBuffer(state)]
      )
    })
  }

  async readUpdates(roomId: string, afterSeq = 0): Promise<StoredUpdate[]> {
    const { rows } = await this.pool.query<{ seq: number; ts: number; author: Role; bytes: Buffer }>(
      'SELECT seq, ts, author, bytes FROM room_updates WHERE room_id = $1 AND seq > $2 ORDER BY seq',
      [roomId, afterSeq]
    )
    return rows.map((r) => ({ seq: r.seq, ts: r.ts, author: r.author, update: asBytes(r.bytes) }))
  }

  async updateSpan(roomId: string): Promise<{ first: number | null; last: number | null }> {
    const { rows } = await this.pool.query<{ first: number | null; last: number | null }>(
      'SELECT MIN(ts) AS first, MAX(ts) AS last FROM room_updates WHERE room_id = $1',
      [roomId]
    )
    return rows[0]!
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1')
  }

  /** Idempotent: waits for queries in flight, then closes every connection. */
  close(): Promise<void> {
    return (this.closed ??= this.pool.end())
  }
}

/** The advisory lock a relay holds while it writes a room's snapshot. */
export const snapshotLockName = (roomId: string) => `loopboard:snapshot:${roomId}`
