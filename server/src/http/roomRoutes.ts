import {
  ApiErrorCode,
  CreateRoomBodySchema,
  PROTOCOL_VERSION,
  ROLES,
  type CreateRoomResponse,
  type RoomSession,
} from '@loopboard/protocol'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { z } from 'zod'
import type { RoomService } from '../rooms/RoomService.ts'
import { apiError, bearerToken } from './errors.ts'

/** JSON bodies of the room API are small; anything larger is a mistake or an attack. */
const MAX_JSON_BODY_BYTES = 16 * 1024

/** The URL that opens `roomId` as the holder of `token`. The token rides in the fragment, so it never reaches server logs or Referer headers. */
export function roomLink(base: string, roomId: string, token: string): string {
  return `${base}/r/${encodeURIComponent(roomId)}#token=${encodeURIComponent(token)}`
}

export function roomRoutes(rooms: RoomService, publicUrl: string | undefined) {
  const app = new Hono()

  app.post(
    '/',
    bodyLimit({
      maxSize: MAX_JSON_BODY_BYTES,
      onError: (c) => apiError(c, 413, ApiErrorCode.PayloadTooLarge, `Body over ${MAX_JSON_BODY_BYTES} bytes.`),
    }),
    async (c) => {
      const text = await c.req.text()
      let json: unknown = {}
      if (text.trim()) {
        try {
          json = JSON.parse(text)
        } catch {
          return apiError(c, 400, ApiErrorCode.BadRequest, 'Body is not valid JSON.')
        }
      }
      const parsed = CreateRoomBodySchema.safeParse(json)
      if (!parsed.success) return apiError(c, 400, ApiErrorCode.BadRequest, z.prettifyError(parsed.error))
      const { room, tokens } = rooms.create(parsed.data.title)
      const base = publicUrl ?? new URL(c.req.url).origin
      const links = Object.fromEntries(ROLES.map((r) => [r, roomLink(base, room.id, tokens[r])]))
      return c.json<CreateRoomResponse>(
        { roomId: room.id, title: room.title, links: links as CreateRoomResponse['links'], tokens },
        201
      )
    }
  )

  app.get('/:roomId/session', (c) => {
    const auth = rooms.authenticate(c.req.param('roomId'), bearerToken(c))
    if (!auth.ok) return apiError(c, auth.status, auth.code, auth.message)
    return c.json<RoomSession>({
      roomId: auth.room.id,
      title: auth.room.title,
      role: auth.role,
      createdAt: auth.room.createdAt,
      protocolVersion: PROTOCOL_VERSION,
    })
  })

  return app
}
