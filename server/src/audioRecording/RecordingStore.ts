import type { DatabaseSync, StatementSync } from 'node:sqlite'
import type { Role } from '@loopboard/protocol'

/** One recording period of a room: from `recording:start` to `recording:stop`. */
export interface RecordingRow {
  id: number
  startedAt: number
  /** null while it is still recording. */
  stoppedAt: number | null
}

/** An audio track as stored: one browser's MediaRecorder run, uploaded in chunks. */
export interface TrackRow {
  roomId: string
  id: string
  recordingId: number
  userId: string
  name: string
  /** The role its owner played when the track was created. */
  role: Role
  /** The link (seat) that created it; only that link may upload its chunks. */
  seat: Role
  mimeType: string
  /** Server time the track was announced. */
  startedAt: number
}

export interface ChunkRow {
  seq: number
  startedAt: number
  durationMs: number
  bytes: number
  sha256: string
}

/** A track with what its chunks add up to. */
export interface TrackTotals extends TrackRow {
  chunks: number
  durationMs: number
  bytes: number
  /** started-at of the lowest-numbered chunk; null when it has none. */
  firstChunkAt: number | null
}

/** The audio recording's tables (migration 3): recordings, consent, tracks and their chunks. */
export class RecordingStore {
  private s: Record<string, StatementSync>

  constructor(db: DatabaseSync) {
    const p = (sql: string) => db.prepare(sql)
    this.s = {
      current: p(
        'SELECT id, started_at AS startedAt, stopped_at AS stoppedAt FROM recordings WHERE room_id = ? AND stopped_at IS NULL ORDER BY id DESC LIMIT 1'
      ),
      recording: p('SELECT id, started_at AS startedAt, stopped_at AS stoppedAt FROM recordings WHERE id = ?'),
      start: p('INSERT INTO recordings (room_id, started_at) VALUES (?, ?)'),
      stop: p('UPDATE recordings SET stopped_at = ? WHERE room_id = ? AND stopped_at IS NULL'),
      consents: p(
        'SELECT user_id AS userId, consent FROM recording_consent WHERE room_id = ? ORDER BY updated_at, user_id'
      ),
      consent: p('SELECT consent FROM recording_consent WHERE room_id = ? AND user_id = ?'),
      setConsent: p(
        'INSERT INTO recording_consent (room_id, user_id, consent, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (room_id, user_id) DO UPDATE SET consent = excluded.consent, updated_at = excluded.updated_at'
      ),
      roomAudioBytes: p('SELECT COALESCE(SUM(bytes), 0) AS bytes FROM audio_chunks WHERE room_id = ?'),
      deleteConsent: p('DELETE FROM recording_consent WHERE room_id = ? AND user_id = ?'),
      track: p(
        'SELECT room_id AS roomId, id, recording_id AS recordingId, user_id AS userId, name, role, seat, mime_type AS mimeType, started_at AS startedAt FROM audio_tracks WHERE room_id = ? AND id = ?'
      ),
      insertTrack: p(
        'INSERT INTO audio_tracks (room_id, id, recording_id, user_id, name, role, seat, mime_type, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'
      ),
      tracks: p(`
        SELECT t.room_id AS roomId, t.id, t.recording_id AS recordingId, t.user_id AS userId, t.name, t.role,
          t.seat, t.mime_type AS mimeType, t.started_at AS startedAt,
          COUNT(c.seq) AS chunks, COALESCE(SUM(c.duration_ms), 0) AS durationMs, COALESCE(SUM(c.bytes), 0) AS bytes,
          (SELECT f.started_at FROM audio_chunks f WHERE f.room_id = t.room_id AND f.track_id = t.id
            ORDER BY f.seq LIMIT 1) AS firstChunkAt
        FROM audio_tracks t LEFT JOIN audio_chunks c ON c.room_id = t.room_id AND c.track_id = t.id
        WHERE t.room_id = ? GROUP BY t.room_id, t.id ORDER BY t.started_at, t.id`),
      chunk: p(
        'SELECT seq, started_at AS startedAt, duration_ms AS durationMs, bytes, sha256 FROM audio_chunks WHERE room_id = ? AND track_id = ? AND seq = ?'
      ),
      chunks: p(
        'SELECT seq, started_at AS startedAt, duration_ms AS durationMs, bytes, sha256 FROM audio_chunks WHERE room_id = ? AND track_id = ? ORDER BY seq'
      ),
      insertChunk: p(
        'INSERT INTO audio_chunks (room_id, track_id, seq, started_at, duration_ms, bytes, sha256, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'
      ),
    }
  }

  /** The room's open recording period, if it is recording. */
  currentRecording(roomId: string): RecordingRow | null {
    return (this.s.current!.get(roomId) as RecordingRow | undefined) ?? null
  }

  recording(id: number): RecordingRow | null {
    return (this.s.recording!.get(id) as RecordingRow | undefined) ?? null
  }

  startRecording(roomId: string, now: number): RecordingRow {
    const { lastInsertRowid } = this.s.start!.run(roomId, now)
    return { id: Number(lastInsertRowid), startedAt: now, stoppedAt: null }
  }

  /** Close the open recording period; false if there was none. */
  stopRecording(roomId: string, now: number): boolean {
    return Number(this.s.stop!.run(now, roomId).changes) > 0
  }

  consents(roomId: string): Array<{ userId: string; consent: boolean }> {
    return (this.s.consents!.all(roomId) as Array<{ userId: string; consent: number }>).map((r) => ({
      userId: r.userId,
      consent: r.consent === 1,
    }))
  }

  /** What `userId` answered in this room, or null if they were never asked. */
  consent(roomId: string, userId: string): boolean | null {
    const row = this.s.consent!.get(roomId, userId) as { consent: number } | undefined
    return row ? row.consent === 1 : null
  }

  setConsent(roomId: string, userId: string, consent: boolean, now: number): void {
    this.s.setConsent!.run(roomId, userId, consent ? 1 : 0, now)
  }

  /** Bytes of audio stored for the room, all tracks together. */
  roomAudioBytes(roomId: string): number {
    return Number((this.s.roomAudioBytes!.get(roomId) as { bytes: number | bigint }).bytes)
  }

  deleteConsent(roomId: string, userId: string): void {
    this.s.deleteConsent!.run(roomId, userId)
  }

  track(roomId: string, trackId: string): TrackRow | null {
    return (this.s.track!.get(roomId, trackId) as TrackRow | undefined) ?? null
  }

  insertTrack(track: TrackRow): void {
    this.s.insertTrack!.run(
      track.roomId,
      track.id,
      track.recordingId,
      track.userId,
      track.name,
      track.role,
      track.seat,
      track.mimeType,
      track.startedAt
    )
  }

  /** Every track of the room with its totals, oldest first. */
  tracks(roomId: string): TrackTotals[] {
    return this.s.tracks!.all(roomId) as unknown as TrackTotals[]
  }

  chunk(roomId: string, trackId: string, seq: number): ChunkRow | null {
    return (this.s.chunk!.get(roomId, trackId, seq) as ChunkRow | undefined) ?? null
  }

  /** A track's chunks in seq order. */
  chunks(roomId: string, trackId: string): ChunkRow[] {
    return this.s.chunks!.all(roomId, trackId) as unknown as ChunkRow[]
  }

  insertChunk(roomId: string, trackId: string, chunk: ChunkRow, receivedAt: number): void {
    this.s.insertChunk!.run(
      roomId,
      trackId,
      chunk.seq,
      chunk.startedAt,
      chunk.durationMs,
      chunk.bytes,
      chunk.sha256,
      receivedAt
    )
  }
}
