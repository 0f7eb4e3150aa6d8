import { TimelineSchema, type Note, type ReviewResponse, type Timeline } from '@loopboard/protocol'
import { apiFetch, ApiRequestError, NetworkError } from '../lib/api.ts'
import type { BoardHistory } from './BoardHistory.ts'

/** Everything the review page shows, loaded once. */
export interface LoadedReview {
  timeline: Timeline
  review: ReviewResponse
  notes: Note[]
  /** Built once from the board updates; rebuilds the board at any time. */
  replayer: BoardHistory
}

/** A request with the interviewer's token; throws {@link NetworkError} or {@link ApiRequestError}. */
const send = (path: string, token: string, init: RequestInit = {}) => apiFetch(path, { ...init, token })

async function json<T>(path: string, token: string, check: (body: T) => boolean): Promise<T> {
  const response = await send(path, token)
  const body = (await response.json().catch(() => null)) as T | null
  if (body === null || typeof body !== 'object' || !check(body)) {
    throw new ApiRequestError(response.status, 'bad-response', `Unexpected answer from ${path}.`)
  }
  return body
}

const room = (roomId: string) => `/api/rooms/${encodeURIComponent(roomId)}`

const ofRound = (round: number | null) => (round === null ? '' : `?round=${round}`)

export async function fetchTimeline(roomId: string, token: string, round: number): Promise<Timeline> {
  const path = `${room(roomId)}/timeline${ofRound(round)}`
  const response = await send(path, token)
  const parsed = TimelineSchema.safeParse(await response.json().catch(() => null))
  if (!parsed.success) throw new ApiRequestError(response.status, 'bad-response', `Unexpected answer from ${path}.`)
  return parsed.data
}

/** A round's review; `round: null` asks for the latest round the bearer ran. */
export function fetchReview(roomId: string, token: string, round: number | null): Promise<ReviewResponse> {
  return json<ReviewResponse>(
    `${room(roomId)}/review${ofRound(round)}`,
    token,
    (r) => typeof r.title === 'string' && Array.isArray(r.notes) && Array.isArray(r.rounds)
  )
}

/** A file the server streams (an audio track, the archive), read whole as a Blob. */
export async function fetchBlob(url: string, token: string): Promise<{ blob: Blob; filename: string | null }> {
  const response = await send(url, token)
  const disposition = response.headers.get('Content-Disposition') ?? ''
  const match = /filename\*=UTF-8''([^;]+)|filename="?([^";]+)"?/i.exec(disposition)
  const raw = match?.[1] ?? match?.[2]
  let filename: string | null = null
  if (raw) {
    try {
      filename = decodeURIComponent(raw)
    } catch {
      filename = raw
    }
  }
  return { blob: await response.blob(), filename }
}

export function fetchArchive(roomId: string, token: string, round: number) {
  return fetchBlob(`${room(roomId)}/archive${ofRound(round)}`, token)
}

/** `DELETE /api/rooms/:id`: the room and everything it holds, for good. */
export async function deleteRoom(roomId: string, token: string): Promise<void> {
  await send(room(roomId), token, { method: 'DELETE' })
}

/** What went wrong, for a person: a 404 room is gone, a 403 link is not the interviewer's. */
export function describeError(error: unknown): { title: string; message: string; retry: boolean } {
  if (error instanceof ApiRequestError) {
    if (error.status === 404) {
      return {
        title: 'Session not found',
        message: 'This session does not exist any more: it was deleted, or the link is wrong.',
        retry: false,
      }
    }
    if (error.status === 401 || error.status === 403) {
      return {
        title: 'This is not your round to review',
        message:
          'A round’s review belongs to the person who interviewed in it. Open the review from your own link, for a round you ran.',
        retry: false,
      }
    }
    return { title: 'The server could not load the session', message: error.message, retry: true }
  }
  if (error instanceof NetworkError) {
    return { title: 'Cannot reach the server', message: 'Check your connection and try again.', retry: true }
  }
  return { title: 'Something went wrong', message: (error as Error)?.message ?? String(error), retry: true }
}
