import {
  ApiErrorSchema,
  CreateRoomResponseSchema,
  RoomSessionSchema,
  type CreateRoomResponse,
  type RoomSession,
} from '@loopboard/protocol'

/** An API answer that was not 2xx, with the server's stable code and human message. */
export class ApiRequestError extends Error {
  override name = 'ApiRequestError'
  readonly status: number
  readonly code: string
  constructor(status: number, code: string, message: string) {
    super(message)
    this.status = status
    this.code = code
  }
}

/** The server could not be reached at all (offline, or the server is down). */
export class NetworkError extends Error {
  override name = 'NetworkError'
}

async function request(path: string, init: RequestInit): Promise<unknown> {
  let response: Response
  try {
    response = await fetch(path, init)
  } catch (error) {
    throw new NetworkError(`Could not reach the server (${(error as Error).message}).`)
  }
  const body: unknown = await response.json().catch(() => null)
  if (!response.ok) {
    const parsed = ApiErrorSchema.safeParse(body)
    if (parsed.success) throw new ApiRequestError(response.status, parsed.data.error.code, parsed.data.error.message)
    throw new ApiRequestError(response.status, 'unknown', `The server answered ${response.status}.`)
  }
  return body
}

export async function createRoom(title?: string): Promise<CreateRoomResponse> {
  const body = await request('/api/rooms', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(title ? { title } : {}),
  })
  return CreateRoomResponseSchema.parse(body)
}

export async function fetchSession(roomId: string, token: string): Promise<RoomSession> {
  const body = await request(`/api/rooms/${encodeURIComponent(roomId)}/session`, {
    headers: { Authorization: `Bearer ${token}` },
  })
  return RoomSessionSchema.parse(body)
}
