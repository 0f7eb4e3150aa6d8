import { HandshakeAuthSchema, PARTICIPANT_COLORS, PROTOCOL_VERSION } from '@loopboard/protocol'
import type { ExtendedError } from 'socket.io'
import { z } from 'zod'
import { retryAfterSeconds } from '../limits/AddressLimiter.ts'
import type { RateLimits } from '../limits/RateLimits.ts'
import type { Logger } from '../logger.ts'
import { participantIdFor } from '../rooms/participantId.ts'
import type { RoomService } from '../rooms/RoomService.ts'
import { TokenBucket } from '../sync/TokenBucket.ts'
import type { RoomSocket } from './RoomSocket.ts'

export interface HandshakeGuardOptions {
  rooms: RoomService
  logger?: Logger
  limits?: RateLimits
  maxParticipants?: number
  commandsPerSecond?: number
  /** engine.io connections holding (or being admitted with) a room socket: one each. */
  claimed: WeakSet<object>
  /** Sockets in a room now, on every relay, and those of this relay being admitted. */
  present: (roomId: string) => number
  /** Count `socket` against the room's capacity from now until it is admitted or gone. */
  reserve: (roomId: string, socket: RoomSocket) => void
}

/**
 * The socket.io middleware that admits a room socket: the handshake's auth validated, the
 * protocol version, one room socket per connection, the per-address limit on refused tokens,
 * the token itself, the room's capacity. Sets `socket.data`; identity comes from the server.
 */
export function handshakeGuard(options: HandshakeGuardOptions) {
  return (socket: RoomSocket, next: (error?: ExtendedError) => void): void => {
    // A rejected check (storage unreachable) refuses this socket only.
    admit(options, socket, next).catch((error: unknown) => {
      options.claimed.delete(socket.conn)
      options.logger?.error('could not check a socket.io token', { error })
      next(handshakeError('unavailable', 'The server cannot reach its storage; try again shortly.'))
    })
  }
}

async function admit(
  options: HandshakeGuardOptions,
  socket: RoomSocket,
  next: (error?: ExtendedError) => void
): Promise<void> {
  const parsed = HandshakeAuthSchema.safeParse(socket.handshake.auth)
  if (!parsed.success) return next(handshakeError('bad_request', z.prettifyError(parsed.error)))
  const auth = parsed.data
  if (auth.protocolVersion !== PROTOCOL_VERSION) {
    return next(
      handshakeError(
        'bad_request',
        `protocol ${auth.protocolVersion} is not supported (server speaks ${PROTOCOL_VERSION}); reload the page`
      )
    )
  }
  if (options.claimed.has(socket.conn)) {
    return next(handshakeError('bad_request', 'This connection already joined a room; open another connection.'))
  }
  const address = options.limits?.addressOf(socket.request)
  const wait = address ? options.limits!.authBlocked(address) : 0
  if (wait) {
    const seconds = retryAfterSeconds(wait)
    return next(
      handshakeError('too_many_requests', `Too many refused credentials from this address. Try again in ${seconds} s.`)
    )
  }
  // Claimed before the token is checked, so a second handshake on this connection meanwhile is refused.
  options.claimed.add(socket.conn)
  const result = await options.rooms.authenticate(auth.roomId, auth.token)
  if (!result.ok) {
    options.claimed.delete(socket.conn)
    if (address) options.limits!.authFailed(address)
    return next(handshakeError(result.code, result.message))
  }
  const max = options.maxParticipants ?? Infinity
  if (options.present(auth.roomId) >= max) {
    options.claimed.delete(socket.conn)
    return next(handshakeError('room_full', `This room is full (${max} participants). Try again later.`))
  }
  // Checked and counted in one turn: handshakes whose tokens were checked at once cannot all pass.
  options.reserve(auth.roomId, socket)
  socket.data = {
    roomId: auth.roomId,
    seat: result.seat,
    ...(options.commandsPerSecond
      ? { commandBudget: new TokenBucket(options.commandsPerSecond * 2, 1000 / options.commandsPerSecond) }
      : {}),
    participant: {
      id: socket.id,
      // Issued by the server: derived from the tab's secret, never a client's claim.
      userId: participantIdFor(auth.roomId, result.seat, auth.tab),
      name: auth.name,
      role: result.role,
      status: 'online',
      joinedAt: Date.now(),
      // Chosen on admission, against who is in the room then.
      color: PARTICIPANT_COLORS[0],
    },
  }
  next()
}

function handshakeError(code: string, message: string): Error {
  const error = new Error(message) as Error & { data: { code: string } }
  error.data = { code }
  return error
}
