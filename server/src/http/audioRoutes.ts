import { ApiErrorCode, AudioTokenRequestSchema } from '@loopboard/protocol'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { z } from 'zod'
import { issueAudioToken } from '../audio/audioToken.ts'
import type { Config } from '../config.ts'
import type { RoomService } from '../rooms/RoomService.ts'
import { apiError, bearerToken } from './errors.ts'

const MAX_BODY_BYTES = 4 * 1024

/** `POST /api/rooms/:roomId/audio-token` with the participant's capability token. */
export function audioRoutes(
  rooms: RoomService,
  config: Pick<Config, 'livekit' | 'audioTokenTtlSeconds' | 'iceServers'>
) {
  const app = new Hono()
  app.post(
    '/:roomId/audio-token',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => apiError(c, 413, ApiErrorCode.PayloadTooLarge, `Body over ${MAX_BODY_BYTES} bytes.`),
    }),
    async (c) => {
      const roomId = c.req.param('roomId')
      const auth = rooms.authenticate(roomId, bearerToken(c))
      if (!auth.ok) return apiError(c, auth.status, auth.code, auth.message)
      const body: unknown = await c.req.json().catch(() => undefined)
      const parsed = AudioTokenRequestSchema.safeParse(body)
      if (!parsed.success)
        return apiError(
          c,
          400,
          ApiErrorCode.BadRequest,
          body === undefined ? 'Body is not valid JSON.' : z.prettifyError(parsed.error)
        )
      return c.json(await issueAudioToken(config, { roomId, role: auth.role, ...parsed.data }))
    }
  )
  return app
}
