import type { Server as HttpServer } from 'node:http'
import {
  Action,
  HandshakeAuthSchema,
  PARTICIPANT_COLORS,
  PROTOCOL_VERSION,
  PresenceStatusPayloadSchema,
  SocketEvent,
  type ClientToServerEvents,
  type Participant,
  type ServerToClientEvents,
} from '@loopboard/protocol'
import { Server } from 'socket.io'
import { z } from 'zod'
import type { Logger } from '../logger.ts'
import { retryAfterSeconds } from '../limits/AddressLimiter.ts'
import type { RateLimits } from '../limits/RateLimits.ts'
import { participantIdFor } from '../rooms/participantId.ts'
import { TokenBucket } from '../sync/TokenBucket.ts'
import { roleOfSeat, type RoomService } from '../rooms/RoomService.ts'
import type { RoomSocket, SocketData } from './RoomSocket.ts'
import { limitSendBuffer } from './limitSendBuffer.ts'
import { onCommand } from './socketCommand.ts'

export type { RoomSocket, SocketData }
type PresenceSocket = RoomSocket

/** Called for every authenticated socket, after it joined its room. */
export type ConnectionHook = (socket: RoomSocket) => void

/** socket.io rooms are namespaced so later features can add their own. */
const channel = (roomId: string) => `room:${roomId}`

/**
 * Largest socket.io message accepted (bytes); a larger one closes the socket. Presence payloads
 * are tiny, but interview commands are not: the largest scorecard the schema allows (20
 * dimensions × MAX_COMMENT_LENGTH characters, plus the summary) is ~500 KB of JSON at worst.
 */
const MAX_SOCKET_MESSAGE_BYTES = 512 * 1024

export interface PresenceHubOptions {
  rooms: RoomService
  logger: Logger
  /** Sockets a room admits; the next handshake is refused with `room_full`. */
  maxParticipants?: number
  /** Bytes queued to one socket before it counts as not reading and is disconnected. */
  maxSendBufferBytes?: number
  /** Per-address limit on refused tokens in the handshake. */
  limits?: RateLimits
  /** Commands one socket may send per second (twice that in a burst); unlimited when unset. */
  commandsPerSecond?: number
}

/**
 * Who is in each room, over socket.io. Sockets authenticate in the handshake with the same
 * capability token as /yjs; every payload is validated against the protocol schemas, and a
 * bad one is answered with an error to its sender only.
 */
export class PresenceHub {
  readonly io: Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>
  private participants = new Map<string, Map<string, Participant>>()
  private sockets = new Map<string, Set<RoomSocket>>()
  private hooks: ConnectionHook[] = []
  /**
   * engine.io connections holding a room socket or being admitted with one. socket.io would let
   * one connection open many sockets on the namespace (CONNECT packets decoded in one turn all
   * pass the room's capacity check before any is admitted); one is all a client needs.
   */
  private claimed = new WeakSet<object>()
  private options: PresenceHubOptions

  constructor(httpServer: HttpServer, options: PresenceHubOptions) {
    this.options = options
    this.io = new Server(httpServer, {
      serveClient: false,
      maxHttpBufferSize: MAX_SOCKET_MESSAGE_BYTES,
      // /yjs upgrades are answered by the relay; socket.io must not destroy them.
      destroyUpgrade: false,
    })
    this.io.use((socket, next) => {
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
      if (this.claimed.has(socket.conn)) {
        return next(handshakeError('bad_request', 'This connection already joined a room; open another connection.'))
      }
      const address = options.limits?.addressOf(socket.request)
      const wait = address ? options.limits!.authBlocked(address) : 0
      if (wait) {
        const seconds = retryAfterSeconds(wait)
        return next(
          handshakeError(
            'too_many_requests',
            `Too many refused credentials from this address. Try again in ${seconds} s.`
          )
        )
      }
      const result = options.rooms.authenticate(auth.roomId, auth.token)
      if (!result.ok) {
        if (address) options.limits!.authFailed(address)
        return next(handshakeError(result.code, result.message))
      }
      const max = options.maxParticipants ?? Infinity
      if ((this.sockets.get(auth.roomId)?.size ?? 0) >= max) {
        return next(handshakeError('room_full', `This room is full (${max} participants). Try again later.`))
      }
      this.claimed.add(socket.conn)
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
    })
    this.io.on('connection', (socket) => this.admit(socket))
  }

  /** The room service the hub authenticates with. */
  get roomsService(): RoomService {
    return this.options.rooms
  }

  /** Run `hook` for every socket that joins from now on. */
  onConnection(hook: ConnectionHook): void {
    this.hooks.push(hook)
  }

  /** The sockets in a room now. */
  socketsIn(roomId: string): RoomSocket[] {
    return [...(this.sockets.get(roomId) ?? [])]
  }

  /** One socket of a room by its id (sockets of other rooms are not found). */
  socketIn(roomId: string, socketId: string): RoomSocket | undefined {
    for (const socket of this.sockets.get(roomId) ?? []) if (socket.id === socketId) return socket
    return undefined
  }

  /** Re-derive every socket's role from its seat after a role swap, and tell the room. */
  refreshRoles(roomId: string): void {
    const room = this.options.rooms.get(roomId)
    if (!room) return
    const members = this.participants.get(roomId)
    for (const socket of this.socketsIn(roomId)) {
      const role = roleOfSeat(socket.data.seat, room.rolesSwapped ?? false)
      socket.data.participant = { ...socket.data.participant, role }
      members?.set(socket.id, socket.data.participant)
    }
    this.broadcastSnapshot(roomId)
  }

  /** Everyone in a room right now, oldest first. */
  list(roomId: string): Participant[] {
    return [...(this.participants.get(roomId)?.values() ?? [])].sort((a, b) => a.joinedAt - b.joinedAt)
  }

  private admit(socket: PresenceSocket) {
    const { roomId } = socket.data
    const { maxSendBufferBytes } = this.options
    if (maxSendBufferBytes !== undefined) {
      limitSendBuffer(socket, maxSendBufferBytes, (queuedBytes) =>
        this.options.logger.warn('disconnecting a socket.io client that does not read', { room: roomId, queuedBytes })
      )
    }
    let room = this.participants.get(roomId)
    if (!room) this.participants.set(roomId, (room = new Map()))
    const participant = { ...socket.data.participant, color: colorFor(socket.data.participant.userId, room) }
    socket.data.participant = participant
    room.set(socket.id, participant)
    let sockets = this.sockets.get(roomId)
    if (!sockets) this.sockets.set(roomId, (sockets = new Set()))
    sockets.add(socket)
    void socket.join(channel(roomId))
    socket.emit(SocketEvent.Hello, { protocolVersion: PROTOCOL_VERSION, you: participant })
    // The joiner gets the list once; everyone else only learns of the joiner.
    socket.emit(SocketEvent.PresenceSnapshot, { participants: this.list(roomId) })
    socket.to(channel(roomId)).emit(SocketEvent.PresenceJoined, participant)
    this.options.logger.debug('joined', { room: roomId, role: participant.role })

    onCommand(socket, this.options.logger, {
      event: SocketEvent.PresenceStatus,
      schema: PresenceStatusPayloadSchema,
      action: Action.JoinRoom,
      run: ({ status }) => {
        const current = this.participants.get(roomId)?.get(socket.id)
        if (!current || current.status === status) return
        const next = { ...current, status }
        this.participants.get(roomId)!.set(socket.id, next)
        socket.data.participant = next
        this.io.to(channel(roomId)).emit(SocketEvent.PresenceUpdated, next)
      },
    })

    socket.on('disconnect', () => {
      this.claimed.delete(socket.conn)
      const open = this.sockets.get(roomId)
      open?.delete(socket)
      if (open && open.size === 0) this.sockets.delete(roomId)
      const members = this.participants.get(roomId)
      const left = members?.get(socket.id)
      members?.delete(socket.id)
      if (members && members.size === 0) this.participants.delete(roomId)
      if (left) this.io.to(channel(roomId)).emit(SocketEvent.PresenceLeft, left)
    })
    for (const hook of this.hooks) hook(socket)
  }

  /** The whole list to everyone: only after a role swap, when every entry changed anyway. */
  private broadcastSnapshot(roomId: string) {
    this.io.to(channel(roomId)).emit(SocketEvent.PresenceSnapshot, { participants: this.list(roomId) })
  }

  close(): Promise<void> {
    return new Promise((resolve) => void this.io.close(() => resolve()))
  }
}

/**
 * A colour for `userId` that nobody else in the room holds: the one its other connection already
 * has (a second socket of the same tab keeps its colour), else the first free one, else (more
 * people than colours) the least used.
 */
export function colorFor(userId: string, present: ReadonlyMap<string, Participant>): string {
  const uses = new Map<string, number>(PARTICIPANT_COLORS.map((c) => [c, 0]))
  for (const p of present.values()) {
    if (p.userId === userId) return p.color
    uses.set(p.color, (uses.get(p.color) ?? 0) + 1)
  }
  let best: string = PARTICIPANT_COLORS[0]
  for (const color of PARTICIPANT_COLORS) if (uses.get(color)! < uses.get(best)!) best = color
  return best
}

function handshakeError(code: string, message: string): Error {
  const error = new Error(message) as Error & { data: { code: string } }
  error.data = { code }
  return error
}
