import { ApiErrorCode, may, refusal, type Action } from '@loopboard/protocol'
import type { Context, MiddlewareHandler } from 'hono'
import type { AuthResult, RoomService } from '../rooms/RoomService.ts'
import { apiError, bearerToken } from './errors.ts'

export type Authed = Extract<AuthResult, { ok: true }>
/** Routes behind {@link requireSeat} read who is asking from `c.get('auth')`. */
export interface SeatEnv {
  Variables: { auth: Authed }
}

/** Told of every refused credential, so repeated guessing can be slowed down (rate limits). */
export type FailedAuthHook = (c: Context) => void

export interface RequireSeatOptions {
  rooms: RoomService
  onFailedAuth?: FailedAuthHook
  /** Runs before the credential is looked at; answers a Response to refuse (rate limits). */
  gate?: (c: Context) => Response | undefined
}

/**
 * The one authentication and role check of the HTTP API: the `Authorization: Bearer` capability
 * token must open the route's `:roomId` (404 unknown room, 401 none, 403 another's), and the role
 * its seat plays now must be allowed `action` by the permission table (403). The seat is then in
 * `c.get('auth')`. Without a `:roomId` in the route, the token's own room is used.
 */
export function requireSeat(
  { rooms, onFailedAuth, gate }: RequireSeatOptions,
  action: Action,
  message?: string
): MiddlewareHandler<SeatEnv> {
  return async (c, next) => {
    const refused = gate?.(c)
    if (refused) return refused
    const roomId = c.req.param('roomId')
    const token = bearerToken(c)
    const auth = await (roomId === undefined ? rooms.authenticateAnywhere(token) : rooms.authenticate(roomId, token))
    if (!auth.ok) {
      onFailedAuth?.(c)
      // Without a room in the path, "no such room" would say the token exists elsewhere: 403.
      const status = roomId === undefined && auth.status === 404 ? 403 : auth.status
      return apiError(c, status, auth.code, auth.message)
    }
    if (!may(auth.role, action)) return apiError(c, 403, ApiErrorCode.Forbidden, message ?? refusal(auth.role, action))
    c.set('auth', auth)
    await next()
  }
}

/** {@link requireSeat} bound to the server's rooms and limits: `guard(Action.Review)`. */
export type SeatGuard = (action: Action, message?: string) => MiddlewareHandler<SeatEnv>

export function seatGuard(options: RequireSeatOptions): SeatGuard {
  return (action, message) => requireSeat(options, action, message)
}
