import type { TimelineEvent } from '@loopboard/protocol'
import type pg from 'pg'
import type {
  ChunkRow,
  RecordingRow,
  RecordingStore,
  TrackRow,
  TrackTotals,
} from '../../audioRecording/RecordingStore.ts'
import { PostgresRoomCommands } from './PostgresRoomCommands.ts'

const RECORDING_COLUMNS = 'id, started_at AS "startedAt", stopped_at AS "stoppedAt"'
const CHUNK_COLUMNS = 'seq, started_at AS "startedAt", duration_ms AS "durationMs", bytes, sha256'
const TRACK_COLUMNS = `room_id AS "roomId", id, recording_id AS "recordingId", user_id AS "userId", name, role, seat,
  mime_type AS "mimeType", started_at AS "startedAt"`

/** pg sends Buffers as bytea; a Uint8Array view is wrapped without copying. */
const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)

/**
 * Recordings and their audio in Postgres: each chunk's bytes in its row (`audio_chunks.data`), so
 * every relay serves every recording and nothing of it lives on one relay's disk. Start and stop
 * run under the room's command lock ({@link PostgresRoomCommands}), so two relays never open two
 * periods. `pool` is `PostgresStorage.pool` (BIGINT columns read as numbers).
 */
export class PostgresRecordingStore implements RecordingStore {
  private pool: pg.Pool
  private commands: PostgresRoomCommands<unknown>

  constructor(pool: pg.Pool) {
    this.pool = pool
    this.commands = new PostgresRoomCommands<unknown>(pool, () => null)
  }

  private async one<T extends pg.QueryResultRow>(sql: string, values: unknown[]): Promise<T | null> {
    return (await this.pool.query<T>(sql, values)).rows[0] ?? null
  }

  currentRecording(roomId: string): Promise<RecordingRow | null> {
    return this.one<RecordingRow>(
      `SELECT ${RECORDING_COLUMNS} FROM recordings WHERE room_id = $1 AND stopped_at IS NULL ORDER BY id DESC LIMIT 1`,
      [roomId]
    )
  }

  recording(id: number): Promise<RecordingRow | null> {
    return this.one<RecordingRow>(`SELECT ${RECORDING_COLUMNS} FROM recordings WHERE id = $1`, [id])
  }

  startRecording(roomId: string, now: number, event: TimelineEvent): Promise<RecordingRow | null> {
    return this.commands.underLock(roomId, now, async (client) => {
      const open = await client.query('SELECT 1 FROM recordings WHERE room_id = $1 AND stopped_at IS NULL', [roomId])
      if (open.rowCount) return null
      const { rows } = await client.query<RecordingRow>(
        `INSERT INTO recordings (room_id, started_at) VALUES ($1, $2) RETURNING ${RECORDING_COLUMNS}`,
        [roomId, now]
      )
      await appendEvent(client, roomId, event)
      return rows[0]!
    })
  }

  stopRecording(roomId: string, now: number, event: TimelineEvent): Promise<boolean> {
    return this.commands.underLock(roomId, now, async (client) => {
      const stopped = await client.query(
        'UPDATE recordings SET stopped_at = $1 WHERE room_id = $2 AND stopped_at IS NULL',
        [now, roomId]
      )
      if (!stopped.rowCount) return false
      await appendEvent(client, roomId, event)
      return true
    })
  }

  async consents(roomId: string): Promise<Array<{ userId: string; consent: boolean }>> {
    const { rows } = await this.pool.query<{ userId: string; consent: boolean }>(
      'SELECT user_id AS "userId", consent FROM recording_consent WHERE room_id = $1 ORDER BY updated_at, user_id',
      [roomId]
    )
    return rows
  }

  async consent(roomId: string, userId: string): Promise<boolean | null> {
    const row = await this.one<{ consent: boolean }>(
      'SELECT consent FROM recording_consent WHERE room_id = $1 AND user_id = $2',
      [roomId, userId]
    )
    return row?.consent ?? null
  }

  async setConsent(roomId: string, userId: string, consent: boolean, now: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO recording_consent (room_id, user_id, consent, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (room_id, user_id) DO UPDATE SET consent = excluded.consent, updated_at = excluded.updated_at`,
      [roomId, userId, consent, now]
    )
  }

  async roomAudioBytes(roomId: string): Promise<number> {
    const row = await this.one<{ bytes: number }>(
      'SELECT COALESCE(SUM(bytes), 0)::bigint AS bytes FROM audio_chunks WHERE room_id = $1',
      [roomId]
    )
    return row!.bytes
  }

  async deleteConsent(roomId: string, userId: string): Promise<void> {
    await this.pool.query('DELETE FROM recording_consent WHERE room_id = $1 AND user_id = $2', [roomId, userId])
  }

  track(roomId: string, trackId: string): Promise<TrackRow | null> {
    return this.one<TrackRow>(`SELECT ${TRACK_COLUMNS} FROM audio_tracks WHERE room_id = $1 AND id = $2`, [
      roomId,
      trackId,
    ])
  }

  async insertTrack(track: TrackRow): Promise<void> {
    await this.pool.query(
      `INSERT INTO audio_tracks (room_id, id, recording_id, user_id, name, role, seat, mime_type, started_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        track.roomId,
        track.id,
        track.recordingId,
        track.userId,
        track.name,
        track.role,
        track.seat,
        track.mimeType,
        track.startedAt,
      ]
    )
  }

  async tracks(roomId: string): Promise<TrackTotals[]> {
    const { rows } = await this.pool.query<TrackTotals>(
      `SELECT t.room_id AS "roomId", t.id, t.recording_id AS "recordingId", t.user_id AS "userId", t.name, t.role,
         t.seat, t.mime_type AS "mimeType", t.started_at AS "startedAt",
         COUNT(c.seq) AS chunks, COALESCE(SUM(c.duration_ms), 0)::bigint AS "durationMs",
         COALESCE(SUM(c.bytes), 0)::bigint AS bytes,
         (SELECT f.started_at FROM audio_chunks f WHERE f.room_id = t.room_id AND f.track_id = t.id
           ORDER BY f.seq LIMIT 1) AS "firstChunkAt"
       FROM audio_tracks t LEFT JOIN audio_chunks c ON c.room_id = t.room_id AND c.track_id = t.id
       WHERE t.room_id = $1 GROUP BY t.room_id, t.id ORDER BY t.started_at, t.id`,
      [roomId]
    )
    return rows
  }

  chunk(roomId: string, trackId: string, seq: number): Promise<ChunkRow | null> {
    return this.one<ChunkRow>(
      `SELECT ${CHUNK_COLUMNS} FROM audio_chunks WHERE room_id = $1 AND track_id = $2 AND seq = $3`,
      [roomId, trackId, seq]
    )
  }

  async chunks(roomId: string, trackId: string): Promise<ChunkRow[]> {
    const { rows } = await this.pool.query<ChunkRow>(
      `SELECT ${CHUNK_COLUMNS} FROM audio_chunks WHERE room_id = $1 AND track_id = $2 ORDER BY seq`,
      [roomId, trackId]
    )
    return rows
  }

  async insertChunk(
    roomId: string,
    trackId: string,
    chunk: ChunkRow,
    bytes: Uint8Array,
    receivedAt: number
  ): Promise<boolean> {
    // Metadata and bytes in one row, one statement: both are stored or neither. Two relays
    // storing the same seq at once: the second stores nothing and is told so.
    const result = await this.pool.query(
      `INSERT INTO audio_chunks (room_id, track_id, seq, started_at, duration_ms, bytes, sha256, received_at, data)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (room_id, track_id, seq) DO NOTHING`,
      [
        roomId,
        trackId,
        chunk.seq,
        chunk.startedAt,
        chunk.durationMs,
        chunk.bytes,
        chunk.sha256,
        receivedAt,
        asBuffer(bytes),
      ]
    )
    return (result.rowCount ?? 0) > 0
  }

  async readChunk(roomId: string, trackId: string, seq: number): Promise<Uint8Array> {
    const row = await this.one<{ data: Buffer | null }>(
      'SELECT data FROM audio_chunks WHERE room_id = $1 AND track_id = $2 AND seq = $3',
      [roomId, trackId, seq]
    )
    if (!row?.data) throw new Error(`no bytes stored for chunk ${seq} of track ${trackId}`)
    return row.data
  }

  /** A room's audio is in its rows, which go with the room. */
  async removeRoomAudio(): Promise<void> {}

  /** Nothing is kept outside the rows. */
  async sweepAudio(): Promise<void> {}
}

async function appendEvent(client: pg.ClientBase, roomId: string, event: TimelineEvent): Promise<void> {
  await client.query('INSERT INTO events (room_id, ts, type, data) VALUES ($1, $2, $3, $4)', [
    roomId,
    event.ts,
    event.type,
    JSON.stringify(event.data),
  ])
}
