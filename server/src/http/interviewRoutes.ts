import {
  Action,
  AddNoteSchema,
  ApiErrorCode,
  type AudioTrackInfo,
  type NoteResponse,
  type NotesResponse,
  type PromptListResponse,
  type PromptResponse,
  type Timeline,
} from '@loopboard/protocol'
import { PROMPTS, toPublicPrompt } from '@loopboard/prompts'
import { toBase64 } from '@loopboard/board-replay'
import { Hono } from 'hono'
import * as Y from 'yjs'
import { bodyLimit } from 'hono/body-limit'
import { z } from 'zod'
import { DomainError, Refusal } from '../DomainError.ts'
import type { InterviewService } from '../interview/InterviewService.ts'
import { inWindow, type RoundWindow } from '../interview/rounds.ts'
import type { AsyncStorage } from '../storage/AsyncStorage.ts'
import type { RoomRow, StoredUpdate } from '../storage/Storage.ts'
import { apiError } from './errors.ts'
import type { SeatEnv, SeatGuard } from './requireSeat.ts'
import { reviewRound, roomMember, type RoundEnv } from './reviewRound.ts'

/** Notes are at most a few kilobytes; a larger body is refused before it is read. */
const MAX_NOTE_BODY_BYTES = 16 * 1024

/** `GET /api/prompts` (public) and `GET /api/prompts/:id` (interviewer token). */
export function promptRoutes(guard: SeatGuard, interview: InterviewService) {
  const app = new Hono<SeatEnv>()
  app.get('/', (c) => c.json<PromptListResponse>({ prompts: PROMPTS.map(toPublicPrompt) }))
  app.get('/:promptId', guard(Action.ReadGuidance, 'Only the interviewer can read a prompt’s guidance.'), async (c) => {
    const prompt = await interview.prompt(c.get('auth').room.id, c.req.param('promptId'))
    if (!prompt) return apiError(c, 404, ApiErrorCode.NotFound, `No prompt "${c.req.param('promptId')}".`)
    return c.json<PromptResponse>({ prompt })
  })
  return app
}

/** `GET|POST /api/rooms/:roomId/notes` with the interviewer's token. */
export function noteRoutes(guard: SeatGuard, interview: InterviewService) {
  const app = new Hono<SeatEnv>()
  app.use('/:roomId/notes', guard(Action.TakeNotes, 'Notes are private to the interviewer.'))
  app.get('/:roomId/notes', async (c) =>
    c.json<NotesResponse>({ notes: await interview.notes(c.req.param('roomId'), c.get('auth').seat) })
  )
  app.post(
    '/:roomId/notes',
    bodyLimit({
      maxSize: MAX_NOTE_BODY_BYTES,
      onError: (c) => apiError(c, 413, ApiErrorCode.PayloadTooLarge, `Body over ${MAX_NOTE_BODY_BYTES} bytes.`),
    }),
    async (c) => {
      const body: unknown = await c.req.json().catch(() => undefined)
      if (body === undefined) return apiError(c, 400, ApiErrorCode.BadRequest, 'Body is not valid JSON.')
      const parsed = AddNoteSchema.safeParse(body)
      if (!parsed.success) return apiError(c, 400, ApiErrorCode.BadRequest, z.prettifyError(parsed.error))
      try {
        const note = await interview.addNote(
          c.req.param('roomId'),
          c.get('auth').seat,
          parsed.data.text,
          parsed.data.shapeId
        )
        return c.json<NoteResponse>({ note }, 201)
      } catch (error) {
        if (error instanceof DomainError && error.reason === Refusal.Conflict) {
          return apiError(c, 409, ApiErrorCode.Conflict, error.message)
        }
        throw error
      }
    }
  )
  return app
}

/** Where a room's recorded audio tracks come from (the recording service). */
export type AudioTrackSource = (roomId: string) => Promise<AudioTrackInfo[]>

/**
 * One round of the session as an ordered timeline — the round's interview events, its board
 * updates (server time, author role, Yjs update in base64) and its recorded audio tracks. The
 * board as it stood when the round began (earlier rounds' drawing) comes first, merged into one
 * update stamped at the round's start, so the replay opens on it without replaying the others'
 * round. Without a window: the whole room.
 */
export async function buildTimeline(
  room: RoomRow,
  interview: InterviewService,
  storage: Pick<AsyncStorage, 'readUpdates'>,
  audioTracks: AudioTrackSource = async () => [],
  window: RoundWindow = { round: 0, start: 0, end: null }
): Promise<Timeline> {
  const roomId = room.id
  const before: StoredUpdate[] = []
  const updates: Timeline['updates'] = []
  for (const u of await storage.readUpdates(roomId)) {
    if (u.ts < window.start) before.push(u)
    else if (inWindow(window, u.ts)) updates.push({ ts: u.ts, author: u.author, update: toBase64(u.update) })
  }
  if (before.length) {
    const merged = Y.mergeUpdates(before.map((u) => u.update))
    updates.unshift({ ts: window.start, author: before[before.length - 1]!.author, update: toBase64(merged) })
  }
  const events = (await interview.events(roomId)).filter((e) => inWindow(window, e.ts))
  // A loop, not Math.min(...times): a long session has more updates than a call has arguments.
  let startedAt: number | null = null
  let endedAt: number | null = null
  for (const { ts } of [...updates, ...events]) {
    if (startedAt === null || ts < startedAt) startedAt = ts
    if (endedAt === null || ts > endedAt) endedAt = ts
  }
  return {
    roomId,
    title: room.title,
    startedAt,
    endedAt,
    events,
    updates,
    audio: (await audioTracks(roomId)).filter((t) => inWindow(window, t.startedAt)),
  }
}

/**
 * `GET /api/rooms/:roomId/timeline?round=<n>`: {@link buildTimeline} of a round the bearer ran as
 * interviewer (default: the latest one). Anyone else gets 403.
 */
export function timelineRoutes(
  guard: SeatGuard,
  interview: InterviewService,
  storage: Pick<AsyncStorage, 'readUpdates'>,
  audioTracks?: AudioTrackSource
) {
  const app = new Hono<RoundEnv>()
  app.use('/:roomId/timeline', roomMember(guard))
  app.get('/:roomId/timeline', reviewRound(interview), async (c) =>
    c.json<Timeline>(await buildTimeline(c.get('auth').room, interview, storage, audioTracks, c.get('round')))
  )
  return app
}
