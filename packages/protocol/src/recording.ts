import { z } from 'zod'
import type { AudioTrackInfo } from './timeline.ts'

/** Largest audio chunk a browser may upload (bytes). A few seconds of Opus is ~10–40 KB. */
export const MAX_AUDIO_CHUNK_BYTES = 2 * 1024 * 1024
/** How long each recorded chunk is (ms); a dropped network or closed tab loses at most one. */
export const AUDIO_CHUNK_MS = 4_000
/** Most chunks one track may have (~5.5 hours at 4 s). */
export const MAX_CHUNKS_PER_TRACK = 5_000
/**
 * Participants whose recording consent a room remembers. Every new tab is a new participant; past
 * this, the oldest answer of someone not in the room is forgotten (they are asked again), so
 * reconnecting again and again cannot grow the state every socket is sent on each change.
 */
export const MAX_CONSENTS_PER_ROOM = 128

/** Room-wide recording state, sent to everyone in the room. */
export interface RecordingState {
  recording: boolean
  /** Server time the current recording started; null when not recording. */
  startedAt: number | null
  /** userIds of participants who agreed to have their audio recorded in this room. */
  consented: string[]
  /**
   * userIds of participants who said no in this room (so a client asks only once). Sent by the
   * server; optional only so older payloads still type-check.
   */
  declined?: string[]
}

export const RecordingEvent = {
  /** S→C: the room's recording state (on connect and on every change). */
  State: 'recording:state',
  /** C→S, interviewer only: start or stop recording. */
  Start: 'recording:start',
  Stop: 'recording:stop',
  /** C→S, any participant: agree (or not) to have one's own audio recorded. */
  Consent: 'recording:consent',
} as const

export const ConsentSchema = z.object({ consent: z.boolean() }).strict()

/**
 * `POST /api/rooms/<roomId>/recordings` (Bearer capability token and `X-Loopboard-Tab`): announce
 * a new audio track of the sender's own participant.
 */
export const CreateTrackSchema = z
  .object({
    /** Chosen by the browser (a UUID), so retries of the same track are idempotent. */
    trackId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/),
    name: z.string().trim().min(1).max(40),
    /** MIME type of the recording, e.g. `audio/webm;codecs=opus`. */
    mimeType: z.string().regex(/^audio\/(webm|ogg)(;\s*codecs=opus)?$/),
  })
  .strict()
export type CreateTrack = z.infer<typeof CreateTrackSchema>

/** `201`/`200` answer of `POST /api/rooms/<roomId>/recordings`. */
export interface TrackResponse {
  track: AudioTrackInfo
}

/** `201`/`200` answer of `PUT /api/rooms/<roomId>/recordings/<trackId>/chunks/<seq>`. */
export interface ChunkResponse {
  chunk: { seq: number; startedAt: number; durationMs: number; bytes: number }
}

/** `GET /api/rooms/<roomId>/summary` (interviewer): what the sessions list shows. */
export interface SessionSummary {
  roomId: string
  title: string
  createdAt: number
  /** First and last moment anything happened (board update or event). */
  startedAt: number | null
  endedAt: number | null
  promptTitle: string | null
  audioTracks: number
}

type Reply = (ack: { ok: true } | { ok: false; error: string }) => void

export interface RecordingServerToClient {
  [RecordingEvent.State]: (state: RecordingState) => void
}

export interface RecordingClientToServer {
  [RecordingEvent.Start]: (payload: Record<string, never>, ack?: Reply) => void
  [RecordingEvent.Stop]: (payload: Record<string, never>, ack?: Reply) => void
  [RecordingEvent.Consent]: (payload: z.input<typeof ConsentSchema>, ack?: Reply) => void
}
