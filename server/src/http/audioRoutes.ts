import { Action, ApiErrorCode, AudioTokenRequestSchema } from '@loopboard/protocol'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { z } from 'zod'
import { issueAudioToken } from '../audio/audioToken.ts'
import type { Config } from '../config.ts'
import { participantIdFor } from '../rooms/participantId.ts'
import { apiError, tabSecret } from './errors.ts'
import type { SeatEnv, SeatGuard } from './requireSeat.ts'

const MAX_BODY_BYTES = 4 * 1024

/**
 * `POST /api/rooms/:roomId/audio-token` with the participant's capability token; the audio
 * identity is the participant id derived from the tab's `X-Loopboard-Tab` secret.
 */
export function audioRoutes(guard: SeatGuard, config: Pick<Config, 'livekit' | 'audioTokenTtlSeconds' | 'iceServers'>) {
  const app = new Hono<SeatEnv>()
  app.post(
    '/:roomId/audio-token',
    guard(Action.JoinAudio),
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => apiError(c, 413, ApiErrorCode.PayloadTooLarge, `Body over ${MAX_BODY_BYTES} bytes.`),
    }),
    async (c) => {
      const auth = c.get('auth')
      const roomId = auth.room.id
      const body: unknown = await c.req.json().catch(() => undefined)
      const parsed = AudioTokenRequestSchema.safeParse(body)
      if (!parsed.success)
        return apiError(
          c,
          400,
          ApiErrorCode.BadRequest,
          body === undefined ? 'Body is not valid JSON.' : z.prettifyError(parsed.error)
        )
      const userId = participantIdFor(roomId, auth.seat, tabSecret(c))
      return c.json(await issueAudioToken(config, { roomId, role: auth.role, seat: auth.seat, userId, ...parsed.data }))
    }
  )
  return app
}
