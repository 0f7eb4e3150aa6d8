import {
  ApiErrorSchema,
  CreateRoomResponseSchema,
  RoomSessionSchema,
  ServerInfoSchema,
  type CreateRoomResponse,
  type RoomSession,
  type ServerInfo,
} from '@loopboard/protocol'
import { seatHeaders } from '../room/identity.ts'

/** An API answer that was not 2xx, with the server's stable code and human message. */
export class ApiRequestError extends Error {
  override name = 'ApiRequestError'
  readonly status: number
  readonly code: string
  /** Seconds to wait before trying again (`Retry-After` of a 429), when the server said. */
  readonly retryAfterSeconds: number | null
  constructor(status: number, code: string, message: string, retryAfterSeconds: number | null = null) {
    super(message)
    this.status = status
    this.code = code
    this.retryAfterSeconds = retryAfterSeconds
  }
}

/** The server could not be reached at all (offline, or the server is down). */
export class NetworkError extends Error {
  override name = 'NetworkError'
}

export interface ApiRequestInit extends RequestInit {
  /** A capability token or interviewer key, sent as `Authorization: Bearer …` (none when null). */
  token?: string | null
}

/**
 * One request to the API, the way every part of the client makes it. Resolves to the 2xx
 * response; throws {@link NetworkError} when the server cannot be reached and
 * {@link ApiRequestError} (with the server's code and message) for any other answer.
 */
export async function apiFetch(path: string, { token, ...init }: ApiRequestInit = {}): Promise<Response> {
  // A capability token always travels with this tab's secret: the server derives the participant from both.
  const headers = token ? { ...init.headers, ...seatHeaders(token) } : init.headers
  let response: Response
  try {
    response = await fetch(path, { ...init, headers })
  } catch (error) {
    throw new NetworkError(`Could not reach the server (${(error as Error).message}).`)
  }
  if (response.ok) return response
  const body: unknown = await response.json().catch(() => null)
  const retryAfter = Number(response.headers.get('retry-after') ?? NaN)
  const wait = Number.isFinite(retryAfter) ? retryAfter : null
  const parsed = ApiErrorSchema.safeParse(body)
  if (parsed.success)
    throw new ApiRequestError(response.status, parsed.data.error.code, parsed.data.error.message, wait)
  throw new ApiRequestError(response.status, 'unknown', `The server answered ${response.status}.`, wait)
}

/** {@link apiFetch}, then the JSON body (null when there is none or it is not JSON). */
async function request(path: string, init: ApiRequestInit): Promise<unknown> {
  const response = await apiFetch(path, init)
  return response.json().catch(() => null)
}

/** How this server creates rooms (open, or only with an interviewer key). */
export async function fetchServerInfo(): Promise<ServerInfo> {
  return ServerInfoSchema.parse(await request('/api/config', {}))
}

/** `interviewerKey`: needed when the server's ROOM_CREATION is `restricted`. */
export async function createRoom(title?: string, interviewerKey?: string): Promise<CreateRoomResponse> {
  const body = await request('/api/rooms', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(interviewerKey ? { Authorization: `Bearer ${interviewerKey}` } : {}),
    },
    body: JSON.stringify(title ? { title } : {}),
  })
  return CreateRoomResponseSchema.parse(body)
}

export async function fetchSession(roomId: string, token: string): Promise<RoomSession> {
  const body = await request(`/api/rooms/${encodeURIComponent(roomId)}/session`, {
    // With the tab's secret, the answer names this tab's participant id.
    headers: seatHeaders(token),
  })
  return RoomSessionSchema.parse(body)
}
