import type { Role, TimelineEvent } from '@loopboard/protocol'

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

/**
 * Recordings, consent, audio tracks and their chunks — metadata and bytes. The embedded SQLite
 * keeps the bytes in files (`SqliteRecordingStore`), Postgres in the chunk's row, so any relay
 * serves any recording (`PostgresRecordingStore`); `recordingStoreContract.ts` runs against both.
 */
export interface RecordingStore {
  /** The room's open recording period, if it is recording. */
  currentRecording(roomId: string): Promise<RecordingRow | null>
  recording(id: number): Promise<RecordingRow | null>
  /**
   * Open a recording period and write `event` with it, unless one is open (null then, nothing
   * written). Serialized with the room's other commands, across relays.
   */
  startRecording(roomId: string, now: number, event: TimelineEvent): Promise<RecordingRow | null>
  /** Close the open recording period and write `event`; false (nothing written) if there was none. */
  stopRecording(roomId: string, now: number, event: TimelineEvent): Promise<boolean>
  consents(roomId: string): Promise<Array<{ userId: string; consent: boolean }>>
  /** What `userId` answered in this room, or null if they were never asked. */
  consent(roomId: string, userId: string): Promise<boolean | null>
  setConsent(roomId: string, userId: string, consent: boolean, now: number): Promise<void>
  /** Bytes of audio stored for the room, all tracks together. */
  roomAudioBytes(roomId: string): Promise<number>
  deleteConsent(roomId: string, userId: string): Promise<void>
  track(roomId: string, trackId: string): Promise<TrackRow | null>
  insertTrack(track: TrackRow): Promise<void>
  /** Every track of the room with its totals, oldest first. */
  tracks(roomId: string): Promise<TrackTotals[]>
  chunk(roomId: string, trackId: string, seq: number): Promise<ChunkRow | null>
  /** A track's chunks in seq order. */
  chunks(roomId: string, trackId: string): Promise<ChunkRow[]>
  /**
   * Store a chunk's row and its bytes: both, or neither (a rejection). False, with nothing
   * written, when the track already has a chunk with this seq.
   */
  insertChunk(roomId: string, trackId: string, chunk: ChunkRow, bytes: Uint8Array, receivedAt: number): Promise<boolean>
  /** A stored chunk's bytes. */
  readChunk(roomId: string, trackId: string, seq: number): Promise<Uint8Array>
  /** Drop a deleted room's audio bytes kept outside its rows (the rows go with the room). */
  removeRoomAudio(roomId: string): Promise<void>
  /** Drop audio bytes kept outside the rows for rooms that no longer exist. */
  sweepAudio(roomExists: (roomId: string) => boolean | Promise<boolean>): Promise<void>
}
