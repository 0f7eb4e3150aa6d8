import {
  Action,
  ApiErrorCode,
  TAB_SECRET_HEADER,
  CreateTrackSchema,
  MAX_AUDIO_CHUNK_BYTES,
  MAX_CHUNKS_PER_TRACK,
  Role,
  type ApiError,
  type ChunkResponse,
  type SessionSummary,
  type Timeline,
  type TrackResponse,
} from '@loopboard/protocol'
import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { z } from 'zod'
import type { Logger } from '../logger.ts'
import type { RecordingService, TrackAudio } from '../audioRecording/RecordingService.ts'
import { DomainError, Refusal } from '../DomainError.ts'
import type { RoomLifecycle } from '../rooms/RoomLifecycle.ts'
import type { RoomRow } from '../storage/Storage.ts'
import { participantIdFor } from '../rooms/participantId.ts'
import { tabSecret } from './errors.ts'
import type { Authed, SeatGuard } from './requireSeat.ts'
import { reviewRound, type RoundEnv } from './reviewRound.ts'
import type { InterviewService } from '../interview/InterviewService.ts'
import { inWindow, roundsRunBy, roundWindow, type RoundWindow } from '../interview/rounds.ts'

interface Owner {
  seat: Role
  userId: string
}

/** `POST …/recordings` bodies are a few hundred bytes of JSON. */
const MAX_TRACK_BODY_BYTES = 4 * 1024
/** Longest a single chunk may claim to last (MediaRecorder slices are ~4 s; a throttled tab's can be longer). */
export const MAX_CHUNK_DURATION_MS = 10 * 60 * 1000

/** Error codes the recording API uses beyond the common ones. */
export const RecordingErrorCode = {
  Conflict: 'conflict',
  UnsupportedMediaType: 'unsupported_media_type',
  RangeNotSatisfiable: 'range_not_satisfiable',
} as const

type Code =
  (typeof ApiErrorCode)[keyof typeof ApiErrorCode] | (typeof RecordingErrorCode)[keyof typeof RecordingErrorCode]

function fail(c: Context, status: ContentfulStatusCode, code: Code, message: string) {
  return c.json<ApiError>({ error: { code, message } }, status)
}

/** How HTTP says each refusal of the domain. */
const HTTP_OF_REFUSAL: Record<Refusal, { status: ContentfulStatusCode; code: Code }> = {
  [Refusal.Invalid]: { status: 400, code: ApiErrorCode.BadRequest },
  [Refusal.Forbidden]: { status: 403, code: ApiErrorCode.Forbidden },
  [Refusal.NotFound]: { status: 404, code: ApiErrorCode.NotFound },
  [Refusal.Conflict]: { status: 409, code: RecordingErrorCode.Conflict },
}

function refused(c: Context, error: unknown) {
  if (!(error instanceof DomainError)) throw error
  const { status, code } = HTTP_OF_REFUSAL[error.reason]
  return fail(c, status, code, error.message)
}

/**
 * Which byte range of `size` bytes a `Range` header asks for: null to send everything (no
 * header, or one we ignore — several ranges, another unit, bad syntax), 'unsatisfiable' for 416.
 */
export function parseRange(
  header: string | undefined,
  size: number
): { start: number; end: number } | null | 'unsatisfiable' {
  if (!header) return null
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header)
  if (!match || (match[1] === '' && match[2] === '')) return null
  if (match[1] === '') {
    const suffix = Number(match[2])
    if (suffix === 0 || size === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(match[1])
  if (match[2] !== '' && Number(match[2]) < start) return null
  if (start >= size) return 'unsatisfiable'
  return { start, end: match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1) }
}

/** A lazy byte source as a web stream: the next piece is read only when the socket wants it. */
function toWebStream(
  source: AsyncGenerator<Uint8Array>,
  onError: (error: unknown) => void
): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await source.next()
        if (done) controller.close()
        else controller.enqueue(value)
      } catch (error) {
        onError(error)
        controller.error(error)
      }
    },
    async cancel() {
      await source.return(undefined)
    },
  })
}

/** An integer header within [min, max], or null. */
function intHeader(c: Context, name: string, min: number, max: number): number | null {
  const raw = c.req.header(name)?.trim()
  if (!raw || !/^\d{1,16}$/.test(raw)) return null
  const value = Number(raw)
  return Number.isSafeInteger(value) && value >= min && value <= max ? value : null
}

export interface RecordingRoutesOptions {
  guard: SeatGuard
  recordings: RecordingService
  lifecycle: Pick<RoomLifecycle, 'deleteRoom'>
  interview: InterviewService
  /** A round's timeline JSON, as `GET …/timeline` answers it (the archive holds the same). */
  timeline: (room: RoomRow, round: RoundWindow) => Promise<Timeline>
  logger: Logger
}

/**
 * Recording and review over HTTP (Bearer capability tokens):
 * - `POST /:roomId/recordings` (interviewer or candidate): announce an audio track.
 * - `PUT /:roomId/recordings/:trackId/chunks/:seq` (the track's owner): upload one chunk.
 * - `GET /:roomId/recordings/:trackId/audio` (the interviewer of the round it was recorded in):
 *   the whole track, `Range` supported.
 * - `GET /:roomId/summary` (anyone who ran a round), `GET /:roomId/archive?round=<n>` (that
 *   round's interviewer), `DELETE /:roomId` (the seat that created the room).
 */
export function recordingRoutes({ guard, recordings, lifecycle, interview, timeline, logger }: RecordingRoutesOptions) {
  const app = new Hono<{
    Variables: RoundEnv['Variables'] & {
      auth: Authed
      owner: Owner
      seq: number
      startedAt: number
      durationMs: number
    }
  }>()

  /**
   * The sender's own participant: its seat and the id derived from its tab's secret. Uploads
   * always apply to it; a request cannot name another participant.
   */
  const ownerOf = (c: Context): Owner | Response => {
    const tab = tabSecret(c)
    if (!tab) return fail(c, 400, ApiErrorCode.BadRequest, `${TAB_SECRET_HEADER} must carry this tab's secret.`)
    const { room, seat } = c.get('auth') as Authed
    return { seat, userId: participantIdFor(room.id, seat, tab) }
  }

  const speaker = guard(Action.RecordOwnAudio, 'Observers are not recorded.')
  const member = guard(Action.JoinRoom)

  app.post(
    '/:roomId/recordings',
    speaker,
    bodyLimit({
      maxSize: MAX_TRACK_BODY_BYTES,
      onError: (c) => fail(c, 413, ApiErrorCode.PayloadTooLarge, `Body over ${MAX_TRACK_BODY_BYTES} bytes.`),
    }),
    async (c) => {
      const auth = c.get('auth')
      const owner = ownerOf(c)
      if (owner instanceof Response) return owner
      const body: unknown = await c.req.json().catch(() => undefined)
      if (body === undefined) return fail(c, 400, ApiErrorCode.BadRequest, 'Body is not valid JSON.')
      const parsed = CreateTrackSchema.safeParse(body)
      if (!parsed.success) return fail(c, 400, ApiErrorCode.BadRequest, z.prettifyError(parsed.error))
      try {
        const { created, track } = await recordings.createTrack(
          auth.room.id,
          { ...owner, role: auth.role },
          parsed.data
        )
        return c.json<TrackResponse>({ track }, created ? 201 : 200)
      } catch (error) {
        return refused(c, error)
      }
    }
  )

  app.put(
    '/:roomId/recordings/:trackId/chunks/:seq',
    // Everything that can be told from the headers is checked before the body is read.
    speaker,
    async (c, next) => {
      const auth = c.get('auth')
      const owner = ownerOf(c)
      if (owner instanceof Response) return owner
      const rawSeq = c.req.param('seq')
      const seq = /^\d{1,9}$/.test(rawSeq) ? Number(rawSeq) : NaN
      if (!(seq >= 0 && seq < MAX_CHUNKS_PER_TRACK)) {
        return fail(c, 400, ApiErrorCode.BadRequest, `seq must be an integer from 0 to ${MAX_CHUNKS_PER_TRACK - 1}.`)
      }
      const track = await recordings.track(auth.room.id, c.req.param('trackId'))
      if (!track) return fail(c, 404, ApiErrorCode.NotFound, `No track "${c.req.param('trackId')}" in this room.`)
      if (track.seat !== owner.seat || track.userId !== owner.userId)
        return fail(c, 403, ApiErrorCode.Forbidden, 'This track belongs to another participant.')
      const startedAt = intHeader(c, 'x-chunk-started-at', 0, Number.MAX_SAFE_INTEGER)
      if (startedAt === null) {
        return fail(c, 400, ApiErrorCode.BadRequest, 'X-Chunk-Started-At must be the server time (ms) the chunk began.')
      }
      const durationMs = intHeader(c, 'x-chunk-duration-ms', 0, MAX_CHUNK_DURATION_MS)
      if (durationMs === null) {
        return fail(
          c,
          400,
          ApiErrorCode.BadRequest,
          `X-Chunk-Duration-Ms must be an integer from 0 to ${MAX_CHUNK_DURATION_MS}.`
        )
      }
      if (!/^audio\/[\w.+-]+\s*(;.*)?$/i.test(c.req.header('content-type') ?? '')) {
        return fail(c, 415, RecordingErrorCode.UnsupportedMediaType, 'Content-Type must be audio/*.')
      }
      c.set('owner', owner)
      c.set('seq', seq)
      c.set('startedAt', startedAt)
      c.set('durationMs', durationMs)
      await next()
    },
    bodyLimit({
      maxSize: MAX_AUDIO_CHUNK_BYTES,
      onError: (c) => {
        // The rest of the body is not read: the connection cannot be reused for another request.
        c.header('Connection', 'close')
        return fail(c, 413, ApiErrorCode.PayloadTooLarge, `A chunk is at most ${MAX_AUDIO_CHUNK_BYTES} bytes.`)
      },
    }),
    async (c) => {
      const bytes = new Uint8Array(await c.req.arrayBuffer())
      if (bytes.byteLength === 0) return fail(c, 400, ApiErrorCode.BadRequest, 'The chunk is empty.')
      const { room } = c.get('auth')
      try {
        const { created, chunk } = await recordings.putChunk(
          room.id,
          c.req.param('trackId'),
          c.get('owner'),
          { seq: c.get('seq'), startedAt: c.get('startedAt'), durationMs: c.get('durationMs') },
          bytes
        )
        return c.json<ChunkResponse>(
          { chunk: { seq: chunk.seq, startedAt: chunk.startedAt, durationMs: chunk.durationMs, bytes: chunk.bytes } },
          created ? 201 : 200
        )
      } catch (error) {
        return refused(c, error)
      }
    }
  )

  const serveAudio = (c: Context, audio: TrackAudio) => {
    const headers: Record<string, string> = {
      'Content-Type': audio.track.mimeType,
      'Accept-Ranges': 'bytes',
      // The track grows while it is recorded, and it is private.
      'Cache-Control': 'private, no-store',
    }
    const range = parseRange(c.req.header('range'), audio.size)
    if (range === 'unsatisfiable') {
      c.header('Content-Range', `bytes */${audio.size}`)
      c.header('Accept-Ranges', 'bytes')
      return fail(c, 416, RecordingErrorCode.RangeNotSatisfiable, `The track is ${audio.size} bytes long.`)
    }
    const { start, end } = range ?? { start: 0, end: audio.size - 1 }
    headers['Content-Length'] = String(end - start + 1)
    if (range) headers['Content-Range'] = `bytes ${start}-${end}/${audio.size}`
    const onError = (error: unknown) =>
      logger.error('reading a track failed', { room: audio.track.roomId, track: audio.track.id, error })
    return new Response(toWebStream(recordings.read(audio, start, end), onError), {
      status: range ? 206 : 200,
      headers,
    })
  }

  // A track is heard only by the interviewer of the round it was recorded in.
  app.get('/:roomId/recordings/:trackId/audio', member, async (c) => {
    const auth = c.get('auth')
    const audio = await recordings.audio(auth.room.id, c.req.param('trackId'))
    if (!audio) return fail(c, 404, ApiErrorCode.NotFound, `No track "${c.req.param('trackId')}" in this room.`)
    const events = await interview.events(auth.room.id)
    const ran = roundsRunBy(auth.seat, (await interview.state(auth.room.id)).round)
    if (!ran.some((round) => inWindow(roundWindow(events, round), audio.track.startedAt))) {
      return fail(c, 403, ApiErrorCode.Forbidden, 'Only the interviewer of the round it was recorded in can listen.')
    }
    return serveAudio(c, audio)
  })

  app.get('/:roomId/summary', member, async (c) => {
    const auth = c.get('auth')
    if (roundsRunBy(auth.seat, (await interview.state(auth.room.id)).round).length === 0) {
      return fail(c, 403, ApiErrorCode.Forbidden, 'Only an interviewer of the session can see its summary.')
    }
    return c.json<SessionSummary>(await recordings.summary(auth.room))
  })

  app.get('/:roomId/archive', member, reviewRound(interview), async (c) => {
    const auth = c.get('auth')
    const round = c.get('round')
    const zip = await recordings.archive(auth.room.id, await timeline(auth.room, round), {
      seat: auth.seat,
      round: round.round,
    })
    const onError = (error: unknown) => logger.error('writing an archive failed', { room: auth.room.id, error })
    return new Response(toWebStream(zip, onError), {
      headers: {
        'Content-Type': 'application/zip',
        'Content-Disposition': `attachment; filename="loopboard-${auth.room.id}.zip"`,
        'Cache-Control': 'private, no-store',
      },
    })
  })

  // Deleting takes every round with it, so it is the room owner's alone: the seat that created
  // the room and ran round 1, whatever role a swap has given it since.
  app.delete('/:roomId', member, async (c) => {
    const auth = c.get('auth')
    if (auth.seat !== Role.Interviewer) {
      return fail(c, 403, ApiErrorCode.Forbidden, 'Only the interviewer who created the session can delete it.')
    }
    await lifecycle.deleteRoom(auth.room.id)
    return c.body(null, 204)
  })

  return app
}
