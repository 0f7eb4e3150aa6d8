import {
  Action,
  ApiErrorCode,
  CreateRoomBodySchema,
  PROTOCOL_VERSION,
  ROLES,
  Role,
  RoleSchema,
  type CreateRoomResponse,
  type ReplacedLinkResponse,
  type RoomSession,
} from '@loopboard/protocol'
import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { z } from 'zod'
import type { Config } from '../config.ts'
import type { InterviewerKeys } from '../rooms/InterviewerKeys.ts'
import type { RoomLifecycle } from '../rooms/RoomLifecycle.ts'
import { participantIdFor } from '../rooms/participantId.ts'
import { apiError, bearerToken, tabSecret } from './errors.ts'
import type { FailedAuthHook, SeatEnv, SeatGuard } from './requireSeat.ts'

/** JSON bodies of the room API are small; anything larger is a mistake or an attack. */
const MAX_JSON_BODY_BYTES = 16 * 1024

/** The URL that opens `roomId` as the holder of `token`. The token rides in the fragment, so it never reaches server logs or Referer headers. */
export function roomLink(base: string, roomId: string, token: string): string {
  return `${base}/r/${encodeURIComponent(roomId)}#token=${encodeURIComponent(token)}`
}

export interface RoomRoutesOptions {
  /** Creates rooms (the one owner of their life). */
  lifecycle: Pick<RoomLifecycle, 'create' | 'replaceLink'>
  keys: InterviewerKeys
  guard: SeatGuard
  config: Pick<Config, 'publicUrl' | 'roomCreation'>
  /** Told of every refused interviewer key (rate limits). */
  onFailedAuth?: FailedAuthHook
  /** Runs before a room is created; answers a Response to refuse (rate limits). */
  beforeCreate?: (c: Context) => Response | undefined
}

export function roomRoutes({ lifecycle, keys, guard, config, onFailedAuth, beforeCreate }: RoomRoutesOptions) {
  const app = new Hono<SeatEnv>()

  /**
   * Who may create a room: anyone when ROOM_CREATION=open (null); with `restricted`, only the
   * holder of a live interviewer key (its id, recorded with the room).
   */
  const checkCreator = async (c: Context): Promise<Response | string | null> => {
    if (config.roomCreation === 'open') return null
    const key = bearerToken(c)
    if (!key) {
      onFailedAuth?.(c)
      return apiError(
        c,
        401,
        ApiErrorCode.Unauthorized,
        'This server creates rooms only for interviewers with a key: send Authorization: Bearer <interviewer key>.'
      )
    }
    const check = await keys.check(key)
    if (check.ok) return check.id
    onFailedAuth?.(c)
    const why = check.reason === 'revoked' ? 'has been revoked' : 'is not one of this server’s keys'
    return apiError(c, 403, ApiErrorCode.Forbidden, `This interviewer key ${why}.`)
  }

  app.post(
    '/',
    (c, next) => beforeCreate?.(c) ?? next(),
    bodyLimit({
      maxSize: MAX_JSON_BODY_BYTES,
      onError: (c) => apiError(c, 413, ApiErrorCode.PayloadTooLarge, `Body over ${MAX_JSON_BODY_BYTES} bytes.`),
    }),
    async (c) => {
      const creator = await checkCreator(c)
      if (creator instanceof Response) return creator
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
      const { room, tokens } = await lifecycle.create(parsed.data.title, { createdByKey: creator })
      const base = config.publicUrl ?? new URL(c.req.url).origin
      const links = Object.fromEntries(ROLES.map((r) => [r, roomLink(base, room.id, tokens[r])]))
      return c.json<CreateRoomResponse>(
        { roomId: room.id, title: room.title, links: links as CreateRoomResponse['links'], tokens },
        201
      )
    }
  )

  // Links are stored only as hashes, so a lost one is recovered by replacing it: the room's
  // creator (the interviewer's link, whatever role a swap gave it) gets a new link for a seat,
  // the old one stops working and whatever it has open is closed.
  app.post('/:roomId/links/:seat/replace', guard(Action.JoinRoom), async (c) => {
    const auth = c.get('auth')
    if (auth.seat !== Role.Interviewer) {
      return apiError(
        c,
        403,
        ApiErrorCode.Forbidden,
        'Only the interviewer who created the room can replace its links.'
      )
    }
    const seat = RoleSchema.safeParse(c.req.param('seat'))
    if (!seat.success)
      return apiError(c, 400, ApiErrorCode.BadRequest, 'The seat is interviewer, candidate or observer.')
    const token = await lifecycle.replaceLink(auth.room.id, seat.data)
    const base = config.publicUrl ?? new URL(c.req.url).origin
    return c.json<ReplacedLinkResponse>({ seat: seat.data, token, link: roomLink(base, auth.room.id, token) })
  })

  app.get('/:roomId/session', guard(Action.JoinRoom), (c) => {
    const auth = c.get('auth')
    const tab = tabSecret(c)
    return c.json<RoomSession>({
      roomId: auth.room.id,
      title: auth.room.title,
      role: auth.role,
      createdAt: auth.room.createdAt,
      protocolVersion: PROTOCOL_VERSION,
      ...(tab ? { participantId: participantIdFor(auth.room.id, auth.seat, tab) } : {}),
    })
  })

  return app
}
