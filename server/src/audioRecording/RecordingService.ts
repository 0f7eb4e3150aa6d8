import { createHash } from 'node:crypto'
import {
  MAX_CONSENTS_PER_ROOM,
  TimelineEventType,
  type AudioTrackInfo,
  type CreateTrack,
  type RecordingState,
  type Role,
  type SessionSummary,
  type Timeline,
} from '@loopboard/protocol'
import { DomainError, Refusal } from '../DomainError.ts'
import { KeyedLock } from '../limits/KeyedLock.ts'
import type { InterviewService } from '../interview/InterviewService.ts'
import type { RoomHooks } from '../rooms/RoomLifecycle.ts'
import type { InterviewStore } from '../storage/InterviewStore.ts'
import type { RoomRow } from '../storage/Storage.ts'
import type { ChunkRow, RecordingStore, TrackRow, TrackTotals } from './RecordingStore.ts'
import { zipStream, type ZipEntry } from './zipStream.ts'

/**
 * A chunk is accepted after `recording:stop` if it started no later than this after the stop:
 * the client's estimate of server time is off by up to half a round trip, and the stop reaches
 * it a moment after it happened; the chunk it flushes when it hears of it is still wanted.
 */
export const STOP_GRACE_MS = 5_000

/** What recording reads of the rooms: whether one exists, and its board's span. */
export interface RoomReader {
  getRoom(roomId: string): RoomRow | null | Promise<RoomRow | null>
  updateSpan(
    roomId: string
  ): { first: number | null; last: number | null } | Promise<{ first: number | null; last: number | null }>
}

export interface RecordingServiceOptions {
  store: RecordingStore
  /** The rooms and their board log (for a session's span and whether a room still exists). */
  storage: RoomReader
  /** Where timeline events go (the interview's event log), and the feedback for the archive. */
  events: Pick<InterviewStore, 'appendEvent' | 'eventSpan' | 'allFeedback'>
  interview: InterviewService
  /** Recorded audio one room may hold, all tracks together (bytes). */
  maxBytesPerRoom?: number
  now?: () => number
}

export interface ChunkMeta {
  seq: number
  /** Server time the chunk's audio began (ms). */
  startedAt: number
  durationMs: number
}

/** The bytes of a track as one file: its chunks in seq order. */
export interface TrackAudio {
  track: TrackRow
  chunks: ChunkRow[]
  /** Sum of the chunks' sizes. */
  size: number
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

/** Where the interviewer's browser fetches a track (relative to the server's origin). */
export const audioUrl = (roomId: string, trackId: string) =>
  `/api/rooms/${encodeURIComponent(roomId)}/recordings/${encodeURIComponent(trackId)}/audio`

/** `Ivy Lee` → `Ivy_Lee`: letters, digits, `.`, `_` and `-` only, so it is safe in a file name. */
export function safeFileName(name: string): string {
  const cleaned = name
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}._-]+/gu, '_')
    .replace(/^[._]+|_+$/g, '')
    .slice(0, 40)
  return cleaned || 'track'
}

/**
 * Recording and review, per room: the recording state (start/stop by the interviewer, each
 * participant's consent), audio tracks uploaded in chunks, serving them back, the session
 * summary and archive. A deleted room's audio files go through {@link RecordingService.roomHooks}.
 * *Who* may do what is checked by the callers, which know the sender's role.
 */
export class RecordingService {
  private store: RecordingStore
  private storage: RecordingServiceOptions['storage']
  private events: RecordingServiceOptions['events']
  private interview: InterviewService
  private now: () => number
  private maxBytesPerRoom: number
  private onChange: (roomId: string) => void = () => {}
  /** Uploads of the same chunk run one after the other, and so do a room's consent answers. */
  private locks = new KeyedLock()

  constructor(options: RecordingServiceOptions) {
    this.store = options.store
    this.storage = options.storage
    this.events = options.events
    this.interview = options.interview
    this.now = options.now ?? Date.now
    this.maxBytesPerRoom = options.maxBytesPerRoom ?? Infinity
  }

  /** Called with the room id whenever its {@link RecordingState} changes. */
  setOnChange(onChange: (roomId: string) => void): void {
    this.onChange = onChange
  }

  // -------------------------------------------------------------------------------------------
  // Recording state
  // -------------------------------------------------------------------------------------------

  async state(roomId: string): Promise<RecordingState> {
    const [current, consents] = await Promise.all([this.store.currentRecording(roomId), this.store.consents(roomId)])
    return {
      recording: current !== null,
      startedAt: current?.startedAt ?? null,
      consented: consents.filter((c) => c.consent).map((c) => c.userId),
      declined: consents.filter((c) => !c.consent).map((c) => c.userId),
    }
  }

  /**
   * Start recording (the caller checked the sender is the interviewer). Idempotent: the store
   * opens a period only if none is open, serialized with the room's other commands.
   */
  async start(roomId: string, by: { userId: string; name: string }): Promise<void> {
    const now = this.now()
    const started = await this.store.startRecording(roomId, now, {
      ts: now,
      type: TimelineEventType.RecordingStarted,
      data: { userId: by.userId, name: by.name },
    })
    if (started) this.onChange(roomId)
  }

  /** Stop recording. Idempotent. Chunks recorded before the stop are still accepted. */
  async stop(roomId: string, by: { userId: string; name: string }): Promise<void> {
    const now = this.now()
    const stopped = await this.store.stopRecording(roomId, now, {
      ts: now,
      type: TimelineEventType.RecordingStopped,
      data: { userId: by.userId, name: by.name },
    })
    if (stopped) this.onChange(roomId)
  }

  /**
   * Record `userId`'s answer. A room remembers at most {@link MAX_CONSENTS_PER_ROOM} answers: a
   * new one past that forgets the oldest of someone not `present`, or is refused if all are.
   */
  async setConsent(
    roomId: string,
    userId: string,
    consent: boolean,
    present: ReadonlySet<string> = new Set()
  ): Promise<void> {
    // One answer of the room at a time: the count checked below is the count the write sees.
    return this.locks.run(`consent/${roomId}`, () => this.answer(roomId, userId, consent, present))
  }

  private async answer(roomId: string, userId: string, consent: boolean, present: ReadonlySet<string>): Promise<void> {
    const previous = await this.store.consent(roomId, userId)
    if (previous === consent) return
    if (previous === null) {
      const answers = await this.store.consents(roomId)
      if (answers.length >= MAX_CONSENTS_PER_ROOM) {
        const absent = answers.find((a) => !present.has(a.userId) && a.userId !== userId)
        if (!absent) {
          throw new DomainError(Refusal.Conflict, 'Too many participants have answered in this room; try again later.')
        }
        await this.store.deleteConsent(roomId, absent.userId)
      }
    }
    const now = this.now()
    await this.store.setConsent(roomId, userId, consent, now)
    await this.events.appendEvent(roomId, {
      ts: now,
      type: TimelineEventType.RecordingConsent,
      data: { userId, consent },
    })
    this.onChange(roomId)
  }

  // -------------------------------------------------------------------------------------------
  // Tracks and chunks
  // -------------------------------------------------------------------------------------------

  /**
   * Announce a track of `owner`'s own audio (its participant id comes from the server, never
   * from the request). The same trackId again by the same participant is answered with the
   * existing track (`created: false`); by anyone else it is a conflict.
   */
  async createTrack(
    roomId: string,
    owner: { seat: Role; role: Role; userId: string },
    input: CreateTrack
  ): Promise<{ created: boolean; track: AudioTrackInfo }> {
    const existing = await this.store.track(roomId, input.trackId)
    if (existing) {
      if (existing.seat !== owner.seat || existing.userId !== owner.userId) {
        throw new DomainError(Refusal.Conflict, `Track "${input.trackId}" belongs to another participant.`)
      }
      return { created: false, track: await this.info(existing) }
    }
    const current = await this.store.currentRecording(roomId)
    if (!current) throw new DomainError(Refusal.Conflict, 'The room is not recording.')
    if ((await this.store.consent(roomId, owner.userId)) !== true) {
      throw new DomainError(Refusal.Conflict, 'You have not agreed to be recorded in this room.')
    }
    const track: TrackRow = {
      roomId,
      id: input.trackId,
      recordingId: current.id,
      userId: owner.userId,
      name: input.name,
      role: owner.role,
      seat: owner.seat,
      mimeType: input.mimeType,
      startedAt: this.now(),
    }
    await this.store.insertTrack(track)
    return { created: true, track: await this.info(track) }
  }

  track(roomId: string, trackId: string): Promise<TrackRow | null> {
    return this.store.track(roomId, trackId)
  }

  /**
   * Store one chunk. Idempotent: the same bytes again → `created: false`; different bytes for
   * a seq already stored → a conflict. Refused (a conflict) when the chunk began after its recording stopped
   * (beyond {@link STOP_GRACE_MS}) or its owner has withdrawn consent.
   */
  putChunk(
    roomId: string,
    trackId: string,
    owner: { seat: Role; userId: string },
    meta: ChunkMeta,
    bytes: Uint8Array
  ): Promise<{ created: boolean; chunk: ChunkRow }> {
    return this.locks.run(`${roomId}/${trackId}/${meta.seq}`, async () => {
      const track = await this.store.track(roomId, trackId)
      if (!track) throw new DomainError(Refusal.NotFound, `No track "${trackId}" in this room.`)
      if (track.seat !== owner.seat || track.userId !== owner.userId) {
        throw new DomainError(Refusal.Forbidden, 'This track belongs to another participant.')
      }
      const chunk: ChunkRow = {
        seq: meta.seq,
        startedAt: meta.startedAt,
        durationMs: meta.durationMs,
        bytes: bytes.byteLength,
        sha256: sha256(bytes),
      }
      const stored = await this.store.chunk(roomId, trackId, meta.seq)
      if (stored) return this.again(stored, chunk)
      const recording = await this.store.recording(track.recordingId)
      if (recording?.stoppedAt != null && meta.startedAt > recording.stoppedAt + STOP_GRACE_MS) {
        throw new DomainError(Refusal.Conflict, 'Recording had stopped before this chunk was recorded.')
      }
      if ((await this.store.consent(roomId, track.userId)) !== true) {
        throw new DomainError(Refusal.Conflict, 'You have withdrawn your agreement to be recorded.')
      }
      if ((await this.store.roomAudioBytes(roomId)) + chunk.bytes > this.maxBytesPerRoom) {
        throw new DomainError(
          Refusal.Conflict,
          `This room holds at most ${this.maxBytesPerRoom} bytes of recorded audio.`
        )
      }
      let created: boolean
      try {
        created = await this.store.insertChunk(roomId, trackId, chunk, bytes, this.now())
      } catch (error) {
        // The room (and so the track) may have been deleted while the chunk was written.
        if (!(await this.store.track(roomId, trackId))) {
          if (!(await this.storage.getRoom(roomId))) await this.store.removeRoomAudio(roomId)
          throw new DomainError(Refusal.NotFound, `No track "${trackId}" in this room.`)
        }
        throw error
      }
      if (created) return { created, chunk }
      // Another relay stored this seq in the meantime.
      const other = await this.store.chunk(roomId, trackId, meta.seq)
      if (!other) throw new DomainError(Refusal.NotFound, `No track "${trackId}" in this room.`)
      return this.again(other, chunk)
    })
  }

  /** A chunk uploaded again: the same bytes are answered as stored, different ones refused. */
  private again(stored: ChunkRow, chunk: ChunkRow): { created: false; chunk: ChunkRow } {
    if (stored.sha256 === chunk.sha256 && stored.bytes === chunk.bytes) return { created: false, chunk: stored }
    throw new DomainError(
      Refusal.Conflict,
      `Chunk ${chunk.seq} of this track was already uploaded with different bytes.`
    )
  }

  /** The room's tracks that have audio, as the timeline and review see them. */
  async audioTracks(roomId: string): Promise<AudioTrackInfo[]> {
    const tracks = (await this.store.tracks(roomId)).filter((t) => t.chunks > 0)
    return Promise.all(tracks.map((t) => this.info(t)))
  }

  /** A track's chunks and total size, or null if the room has no such track. */
  async audio(roomId: string, trackId: string): Promise<TrackAudio | null> {
    const track = await this.store.track(roomId, trackId)
    if (!track) return null
    const chunks = await this.store.chunks(roomId, trackId)
    return { track, chunks, size: chunks.reduce((sum, c) => sum + c.bytes, 0) }
  }

  /** Bytes `start`…`end` (inclusive) of the track's chunks laid end to end, read lazily. */
  async *read(audio: TrackAudio, start = 0, end = audio.size - 1): AsyncGenerator<Uint8Array> {
    let offset = 0
    for (const chunk of audio.chunks) {
      const from = offset
      offset += chunk.bytes
      if (offset <= start) continue
      if (from > end) return
      const bytes = await this.store.readChunk(audio.track.roomId, audio.track.id, chunk.seq)
      if (bytes.byteLength !== chunk.bytes) {
        throw new Error(
          `chunk ${chunk.seq} of track ${audio.track.id} is ${bytes.byteLength} bytes as stored, not ${chunk.bytes}`
        )
      }
      yield bytes.subarray(Math.max(0, start - from), Math.min(chunk.bytes, end - from + 1))
    }
  }

  // -------------------------------------------------------------------------------------------
  // Sessions
  // -------------------------------------------------------------------------------------------

  async summary(room: RoomRow): Promise<SessionSummary> {
    const { startedAt, endedAt } = await this.activitySpan(room.id)
    const state = await this.interview.state(room.id)
    return {
      roomId: room.id,
      title: room.title,
      createdAt: room.createdAt,
      startedAt,
      endedAt,
      promptTitle: (await this.interview.prompt(room.id, state.promptId))?.title ?? null,
      audioTracks: (await this.audioTracks(room.id)).length,
    }
  }

  /**
   * The archive of one round: its `timeline.json`, the feedback `of` its interviewer published in
   * it (`feedback.md`, if any) and the round's audio tracks (those in the timeline) — nothing of
   * another round or another author.
   */
  async archive(
    roomId: string,
    timeline: Timeline,
    of: { seat: Role; round: number }
  ): Promise<AsyncGenerator<Uint8Array>> {
    const entries: ZipEntry[] = [
      {
        name: 'timeline.json',
        compress: true,
        mtime: timeline.endedAt ?? this.now(),
        content: () => [Buffer.from(JSON.stringify(timeline))],
      },
    ]
    const feedback = (await this.events.allFeedback(roomId)).filter(
      (f) => f.authorSeat === of.seat && f.round === of.round
    )
    if (feedback.length) {
      const markdown =
        feedback.length === 1
          ? feedback[0]!.markdown
          : feedback.map((f) => `# Round ${f.round}\n\n${f.markdown.trim()}\n`).join('\n')
      entries.push({
        name: 'feedback.md',
        compress: true,
        mtime: Math.max(...feedback.map((f) => f.publishedAt)),
        content: () => [Buffer.from(markdown)],
      })
    }
    const inRound = new Set(timeline.audio.map((t) => t.id))
    for (const track of await this.store.tracks(roomId)) {
      if (track.chunks === 0 || !inRound.has(track.id)) continue
      const ext = track.mimeType.startsWith('audio/ogg') ? 'ogg' : 'webm'
      entries.push({
        name: `audio/${safeFileName(track.name)}-${track.role}-${track.id}.${ext}`,
        compress: false,
        mtime: track.firstChunkAt ?? track.startedAt,
        content: () => this.trackBytes(roomId, track.id),
      })
    }
    return zipStream(entries)
  }

  /** A deleted room's audio files go with it; files of rooms that no longer exist are swept. */
  readonly roomHooks: RoomHooks = {
    name: 'audio recording',
    release: (roomId) => this.store.removeRoomAudio(roomId),
    sweep: (roomExists) => this.store.sweepAudio(roomExists),
  }

  /** Wait for uploads in progress. */
  async close(): Promise<void> {
    await this.locks.idle()
  }

  /** First and last board update or timeline event (what the timeline calls startedAt/endedAt). */
  private async activitySpan(roomId: string): Promise<{ startedAt: number | null; endedAt: number | null }> {
    const spans = await Promise.all([this.storage.updateSpan(roomId), this.events.eventSpan(roomId)])
    const firsts = spans.map((s) => s.first).filter((t): t is number => t !== null)
    const lasts = spans.map((s) => s.last).filter((t): t is number => t !== null)
    return {
      startedAt: firsts.length ? Math.min(...firsts) : null,
      endedAt: lasts.length ? Math.max(...lasts) : null,
    }
  }

  /** A track's bytes, read lazily when the archive reaches it. */
  private async *trackBytes(roomId: string, trackId: string): AsyncGenerator<Uint8Array> {
    const audio = await this.audio(roomId, trackId)
    if (audio) yield* this.read(audio)
  }

  private async info(track: TrackRow | TrackTotals): Promise<AudioTrackInfo> {
    const totals: TrackTotals = 'chunks' in track ? track : { ...track, ...(await this.totals(track.roomId, track.id)) }
    return {
      id: totals.id,
      userId: totals.userId,
      name: totals.name,
      role: totals.role,
      mimeType: totals.mimeType,
      startedAt: totals.firstChunkAt ?? totals.startedAt,
      durationMs: totals.durationMs,
      chunks: totals.chunks,
      url: audioUrl(totals.roomId, totals.id),
    }
  }

  private async totals(
    roomId: string,
    trackId: string
  ): Promise<Pick<TrackTotals, 'chunks' | 'durationMs' | 'bytes' | 'firstChunkAt'>> {
    const chunks = await this.store.chunks(roomId, trackId)
    return {
      chunks: chunks.length,
      durationMs: chunks.reduce((sum, c) => sum + c.durationMs, 0),
      bytes: chunks.reduce((sum, c) => sum + c.bytes, 0),
      firstChunkAt: chunks[0]?.startedAt ?? null,
    }
  }
}
