import type { DatabaseSync, StatementSync } from 'node:sqlite'
import type { TimelineEvent } from '@loopboard/protocol'
import type { AudioFiles } from './AudioFiles.ts'
import type { ChunkRow, RecordingRow, RecordingStore, TrackRow, TrackTotals } from './RecordingStore.ts'

/**
 * The audio recording's tables of the embedded SQLite database (migration 3): recordings, consent,
 * tracks and their chunks' metadata; the chunks' bytes are files ({@link AudioFiles}). The
 * statements are synchronous; the class answers the asynchronous {@link RecordingStore}.
 */
export class SqliteRecordingStore implements RecordingStore {
  private db: DatabaseSync
  private files: AudioFiles
  private s: Record<string, StatementSync>

  constructor(db: DatabaseSync, files: AudioFiles) {
    this.db = db
    this.files = files
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
      appendEvent: p('INSERT INTO events (room_id, ts, type, data) VALUES (?, ?, ?, ?)'),
    }
  }

  async currentRecording(roomId: string): Promise<RecordingRow | null> {
    return (this.s.current!.get(roomId) as RecordingRow | undefined) ?? null
  }

  async recording(id: number): Promise<RecordingRow | null> {
    return (this.s.recording!.get(id) as RecordingRow | undefined) ?? null
  }

  async startRecording(roomId: string, now: number, event: TimelineEvent): Promise<RecordingRow | null> {
    // Synchronous from the check to the commit: nothing else runs in between.
    if (this.s.current!.get(roomId)) return null
    return this.transaction(() => {
      const { lastInsertRowid } = this.s.start!.run(roomId, now)
      this.appendEvent(roomId, event)
      return { id: Number(lastInsertRowid), startedAt: now, stoppedAt: null }
    })
  }

  async stopRecording(roomId: string, now: number, event: TimelineEvent): Promise<boolean> {
    return this.transaction(() => {
      if (Number(this.s.stop!.run(now, roomId).changes) === 0) return false
      this.appendEvent(roomId, event)
      return true
    })
  }

  async consents(roomId: string): Promise<Array<{ userId: string; consent: boolean }>> {
    return (this.s.consents!.all(roomId) as Array<{ userId: string; consent: number }>).map((r) => ({
      userId: r.userId,
      consent: r.consent === 1,
    }))
  }

  async consent(roomId: string, userId: string): Promise<boolean | null> {
    const row = this.s.consent!.get(roomId, userId) as { consent: number } | undefined
    return row ? row.consent === 1 : null
  }

  async setConsent(roomId: string, userId: string, consent: boolean, now: number): Promise<void> {
    this.s.setConsent!.run(roomId, userId, consent ? 1 : 0, now)
  }

  async roomAudioBytes(roomId: string): Promise<number> {
    return Number((this.s.roomAudioBytes!.get(roomId) as { bytes: number | bigint }).bytes)
  }

  async deleteConsent(roomId: string, userId: string): Promise<void> {
    this.s.deleteConsent!.run(roomId, userId)
  }

  async track(roomId: string, trackId: string): Promise<TrackRow | null> {
    return (this.s.track!.get(roomId, trackId) as TrackRow | undefined) ?? null
  }

  async insertTrack(track: TrackRow): Promise<void> {
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

  async tracks(roomId: string): Promise<TrackTotals[]> {
    return this.s.tracks!.all(roomId) as unknown as TrackTotals[]
  }

  async chunk(roomId: string, trackId: string, seq: number): Promise<ChunkRow | null> {
    return (this.s.chunk!.get(roomId, trackId, seq) as ChunkRow | undefined) ?? null
  }

  async chunks(roomId: string, trackId: string): Promise<ChunkRow[]> {
    return this.s.chunks!.all(roomId, trackId) as unknown as ChunkRow[]
  }

  async insertChunk(
    roomId: string,
    trackId: string,
    chunk: ChunkRow,
    bytes: Uint8Array,
    receivedAt: number
  ): Promise<boolean> {
    if (this.s.chunk!.get(roomId, trackId, chunk.seq)) return false
    // The file first: a row is never there without its bytes. (The service runs uploads of one
    // chunk one after the other, so no other writer of this file runs in between.)
    await this.files.write(roomId, trackId, chunk.seq, bytes)
    try {
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
    } catch (error) {
      // The room (and so the track) may have been deleted while the file was written.
      await this.files.removeChunk(roomId, trackId, chunk.seq)
      throw error
    }
    return true
  }

  async readChunk(roomId: string, trackId: string, seq: number): Promise<Uint8Array> {
    return this.files.read(roomId, trackId, seq)
  }

  async removeRoomAudio(roomId: string): Promise<void> {
    await this.files.removeRoom(roomId)
  }

  async sweepAudio(roomExists: (roomId: string) => boolean | Promise<boolean>): Promise<void> {
    for (const roomId of await this.files.roomIds()) {
      if (!(await roomExists(roomId))) await this.files.removeRoom(roomId)
    }
  }

  private appendEvent(roomId: string, event: TimelineEvent): void {
    this.s.appendEvent!.run(roomId, event.ts, event.type, JSON.stringify(event.data))
  }

  private transaction<T>(work: () => T): T {
    this.db.exec('BEGIN IMMEDIATE')
    try {
      const result = work()
      this.db.exec('COMMIT')
      return result
    } catch (error) {
      this.db.exec('ROLLBACK')
      throw error
    }
  }
}
