import type { Server as HttpServer } from 'node:http'
import {
  Action,
  PROTOCOL_VERSION,
  PresenceStatusPayloadSchema,
  ROLES,
  SocketEvent,
  type Role,
  type ClientToServerEvents,
  type Participant,
  type ServerToClientEvents,
} from '@loopboard/protocol'
import { Server, type BroadcastOperator } from 'socket.io'
import { z } from 'zod'
import type { Logger } from '../logger.ts'
import type { RateLimits } from '../limits/RateLimits.ts'
import { roleOfSeat, type RoomService } from '../rooms/RoomService.ts'
import { colorFor } from './colorFor.ts'
import { handshakeGuard } from './handshakeGuard.ts'
import type { RoomSocket, SocketData } from './RoomSocket.ts'
import { limitSendBuffer } from './limitSendBuffer.ts'
import { PresenceDirectory, type Member, type MemberChange } from './PresenceDirectory.ts'
import type { SocketIoRedis } from './socketIoRedis.ts'
import { onCommand } from './socketCommand.ts'

export type { RoomSocket, SocketData }
export type { Member, MemberChange }
type PresenceSocket = RoomSocket

/** Called for every authenticated socket, after it joined its room. */
export type ConnectionHook = (socket: RoomSocket) => void
/** A member of a room joined, changed or left, on this relay or another (see PresenceDirectory). */
export type MemberListener = (change: MemberChange) => void
/** A room's roles were swapped; `sockets` are this relay's sockets of the room, roles updated. */
export type RolesListener = (roomId: string, sockets: RoomSocket[], origin: 'local' | 'remote') => void

/**
 * socket.io rooms (channels) of a room's sockets. Every socket is in its room's channel and in
 * the channel of its seat and current role: private fan-out goes to a (seat, role) channel, so a
 * relay that has not yet heard of a role swap still holds its sockets in the old pair's channel,
 * which no sender computing with the new roles addresses.
 */
const channel = (roomId: string) => `room:${roomId}`
const seatChannel = (roomId: string, seat: Role, role: Role) => `room:${roomId}:seat:${seat}:as:${role}`

/** Messages between relays, besides socket.io's own (server-side emits over Redis). */
interface ServerSideEvents {
  'loopboard:presence': (message: unknown) => void
  'loopboard:roles': (message: unknown) => void
  'loopboard:changed': (message: unknown) => void
}
const RolesMessageSchema = z.object({ roomId: z.string().min(1).max(128), rolesSwapped: z.boolean() })
/** What a relay tells the others it changed in a room (they hold copies, or sockets to tell). */
export type ChangeTopic = 'interview'
const ChangedMessageSchema = z.object({
  roomId: z.string().min(1).max(128),
  topic: z.enum(['interview']),
  /** What changed, as the topic's listeners understand it (they check it). */
  change: z.unknown(),
})

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
  /** Several relays: socket.io over Redis, and this relay's NODE_ID. */
  cluster?: { redis: SocketIoRedis; nodeId: string }
  /** Presence heartbeat between relays, and the silence after which a relay counts as dead. */
  heartbeatMs?: number
  nodeTimeoutMs?: number
}

/**
 * Who is in each room, over socket.io. Sockets authenticate in the handshake with the same
 * capability token as /yjs; every payload is validated against the protocol schemas, and a
 * bad one is answered with an error to its sender only.
 *
 * With several relays, a room's members come from every relay (`PresenceDirectory`): each relay
 * tells its own sockets about every change it learns of, local or remote, so a client's list is
 * always its relay's list. Emits to a room, a seat or a socket id go through the Redis adapter.
 */
export class PresenceHub {
  readonly io: Server<ClientToServerEvents, ServerToClientEvents, ServerSideEvents, SocketData>
  /** Every member of every room, on every relay. */
  readonly directory: PresenceDirectory
  /** This relay's sockets. */
  private sockets = new Map<string, Set<RoomSocket>>()
  private hooks: ConnectionHook[] = []
  private memberListeners: MemberListener[] = []
  private rolesListeners: RolesListener[] = []
  private changeListeners = new Map<ChangeTopic, Array<(roomId: string, change: unknown) => void>>()
  /**
   * engine.io connections holding a room socket or being admitted with one. socket.io would let
   * one connection open many sockets on the namespace (CONNECT packets decoded in one turn all
   * pass the room's capacity check before any is admitted); one is all a client needs.
   */
  private claimed = new WeakSet<object>()
  /** Sockets past the handshake's checks and not yet admitted, by room: they count as present. */
  private admitting = new Map<string, Set<string>>()
  private options: PresenceHubOptions

  constructor(httpServer: HttpServer, options: PresenceHubOptions) {
    this.options = options
    const { cluster } = options
    this.io = new Server(httpServer, {
      serveClient: false,
      maxHttpBufferSize: MAX_SOCKET_MESSAGE_BYTES,
      // /yjs upgrades are answered by the relay; socket.io must not destroy them.
      destroyUpgrade: false,
      // No connection-state recovery: its sessions die with their relay. Every (re)connect is
      // answered with the whole presence list and interview state instead.
      ...(cluster ? { adapter: cluster.redis.adapter } : {}),
    })
    this.directory = new PresenceDirectory({
      nodeId: cluster?.nodeId ?? 'embedded',
      logger: options.logger,
      heartbeatMs: options.heartbeatMs,
      nodeTimeoutMs: options.nodeTimeoutMs,
      onRemoteChange: (change) => this.memberChanged(change),
      ...(cluster
        ? {
            transport: {
              publish: (message) => void this.io.serverSideEmit('loopboard:presence', message),
              subscribe: (handler) => this.io.on('loopboard:presence', handler),
            },
          }
        : {}),
    })
    if (cluster) {
      this.io.on('loopboard:roles', (message) => {
        const parsed = RolesMessageSchema.safeParse(message)
        if (!parsed.success) return options.logger.warn('ignored a malformed roles message from another relay')
        try {
          this.applyRoles(parsed.data.roomId, parsed.data.rolesSwapped, 'remote')
        } catch (error) {
          options.logger.error('applying roles from another relay failed', { room: parsed.data.roomId, error })
        }
      })
      this.io.on('loopboard:changed', (message) => {
        const parsed = ChangedMessageSchema.safeParse(message)
        if (!parsed.success) return options.logger.warn('ignored a malformed change message from another relay')
        for (const listener of this.changeListeners.get(parsed.data.topic) ?? []) {
          try {
            listener(parsed.data.roomId, parsed.data.change)
          } catch (error) {
            options.logger.error('change listener failed', { room: parsed.data.roomId, error })
          }
        }
      })
    }
    this.io.use(
      handshakeGuard({
        ...options,
        claimed: this.claimed,
        // Every relay's sockets count, and this relay's being admitted.
        present: (roomId) => this.directory.count(roomId) + (this.admitting.get(roomId)?.size ?? 0),
        reserve: (roomId, socket) => {
          let pending = this.admitting.get(roomId)
          if (!pending) this.admitting.set(roomId, (pending = new Set()))
          pending.add(socket.id)
          // A handshake whose connection closes before the socket is admitted.
          socket.conn.once('close', () => this.unreserve(roomId, socket.id))
        },
      })
    )
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

  /** Run `listener` for every member change of any room, on this relay or another. */
  onMemberChange(listener: MemberListener): void {
    this.memberListeners.push(listener)
  }

  /** Run `listener` on every relay after a room's roles were swapped. */
  onRolesChanged(listener: RolesListener): void {
    this.rolesListeners.push(listener)
  }

  /**
   * Tell the other relays (through Redis) that this relay changed `topic` of a room: what they
   * hold of it in memory is out of date, and their own sockets may need telling. A notice, not
   * the new data: each relay reads that from storage itself, so whatever order notices arrive in,
   * its last reading comes after the last change.
   */
  announceChange(roomId: string, topic: ChangeTopic, change: unknown): void {
    if (this.options.cluster) void this.io.serverSideEmit('loopboard:changed', { roomId, topic, change })
  }

  /** Run `listener` when another relay changed `topic` of a room (`change` is unchecked). */
  onRemoteChange(topic: ChangeTopic, listener: (roomId: string, change: unknown) => void): void {
    const listeners = this.changeListeners.get(topic) ?? []
    listeners.push(listener)
    this.changeListeners.set(topic, listeners)
  }

  /** This relay's sockets in a room now. */
  socketsIn(roomId: string): RoomSocket[] {
    return [...(this.sockets.get(roomId) ?? [])]
  }

  /** Whether this relay holds a socket of the room now. */
  hasSocketsIn(roomId: string): boolean {
    return (this.sockets.get(roomId)?.size ?? 0) > 0
  }

  /** One of this relay's sockets of a room by its id (sockets of other rooms are not found). */
  socketIn(roomId: string, socketId: string): RoomSocket | undefined {
    for (const socket of this.sockets.get(roomId) ?? []) if (socket.id === socketId) return socket
    return undefined
  }

  /** Every member of a room, on every relay. */
  members(roomId: string): Member[] {
    return this.directory.members(roomId)
  }

  /** One member of a room, on any relay (members of other rooms are not found). */
  member(roomId: string, socketId: string): Member | undefined {
    return this.directory.member(roomId, socketId)
  }

  /** Every socket of a room, on every relay. */
  toRoom(roomId: string): BroadcastOperator<ServerToClientEvents, SocketData> {
    return this.io.to(channel(roomId))
  }

  /** This relay's sockets that came in with `seat` and play `role` now (other relays tell theirs). */
  toSeatHere(roomId: string, seat: Role, role: Role): BroadcastOperator<ServerToClientEvents, SocketData> {
    return this.io.local.to(seatChannel(roomId, seat, role))
  }

  /** One socket, on whichever relay holds it. */
  toSocket(socketId: string): BroadcastOperator<ServerToClientEvents, SocketData> {
    return this.io.to(socketId)
  }

  /** Disconnect a room's sockets on every relay; only those of `seat` when given. */
  disconnectRoom(roomId: string, seat?: Role): void {
    if (!seat) return this.io.in(channel(roomId)).disconnectSockets(true)
    for (const role of ROLES) this.io.in(seatChannel(roomId, seat, role)).disconnectSockets(true)
  }

  /** Mark a socket of this relay as in (or out of) the peer-to-peer audio call. */
  setAudio(socket: RoomSocket, audio: boolean): void {
    const before = this.directory.member(socket.data.roomId, socket.id)
    if (!before || before.audio === audio) return
    this.putMember(before, { ...before, audio })
  }

  /**
   * After a role swap: re-derive every socket's role from its seat, on this relay and (through
   * Redis) on every other, and tell each room member its new role.
   */
  async refreshRoles(roomId: string): Promise<void> {
    const room = await this.options.rooms.get(roomId)
    if (!room) return
    const rolesSwapped = room.rolesSwapped ?? false
    if (this.options.cluster) void this.io.serverSideEmit('loopboard:roles', { roomId, rolesSwapped })
    this.applyRoles(roomId, rolesSwapped, 'local')
  }

  private applyRoles(roomId: string, rolesSwapped: boolean, origin: 'local' | 'remote', only?: RoomSocket[]) {
    const sockets = only ?? this.socketsIn(roomId)
    for (const socket of sockets) {
      const { seat, participant } = socket.data
      const role = roleOfSeat(seat, rolesSwapped)
      if (role !== participant.role) {
        void socket.leave(seatChannel(roomId, seat, participant.role))
        void socket.join(seatChannel(roomId, seat, role))
      }
      socket.data.participant = { ...participant, role }
      const before = this.directory.member(roomId, socket.id)
      if (before) this.putMember(before, { ...before, participant: socket.data.participant }, false)
    }
    // The whole list to this relay's sockets: every entry of the room changed anyway.
    this.io.local.to(channel(roomId)).emit(SocketEvent.PresenceSnapshot, { participants: this.list(roomId) })
    for (const listener of this.rolesListeners) {
      try {
        listener(roomId, sockets, origin)
      } catch (error) {
        this.options.logger.error('roles listener failed', { room: roomId, error })
      }
    }
  }

  /**
   * A socket is admitted with the role its token had when it was checked. A swap committed in
   * between (announced before this socket was here to be refreshed) would leave it in its old
   * role, so the room is read again once the socket is in, and the socket refreshed if so.
   */
  private async confirmRole(socket: RoomSocket) {
    const { roomId, seat, participant } = socket.data
    const room = await this.options.rooms.get(roomId)
    if (!room || !socket.connected) return
    const rolesSwapped = room.rolesSwapped ?? false
    if (roleOfSeat(seat, rolesSwapped) !== participant.role) this.applyRoles(roomId, rolesSwapped, 'local', [socket])
  }

  /** Everyone in a room right now, on every relay, oldest first. */
  list(roomId: string): Participant[] {
    return this.directory
      .members(roomId)
      .map((m) => m.participant)
      .sort((a, b) => a.joinedAt - b.joinedAt)
  }

  /** Change one of this relay's members, tell the other relays and everyone concerned. */
  private putMember(before: Member | undefined, after: Member, tellRoom = true) {
    this.directory.put(after)
    this.memberChanged({ before, after }, tellRoom)
  }

  /**
   * This relay's sockets hear of every change to their room's members: the joiner gets the list
   * instead (see admit), and a role swap sends the whole list.
   */
  private memberChanged(change: MemberChange, tellRoom = true) {
    const { before, after } = change
    const member = (after ?? before)!
    const room = this.io.local.to(channel(member.roomId))
    if (tellRoom) {
      if (!before && after) room.except(after.socketId).emit(SocketEvent.PresenceJoined, after.participant)
      else if (before && !after) room.emit(SocketEvent.PresenceLeft, before.participant)
      else if (before && after && JSON.stringify(before.participant) !== JSON.stringify(after.participant))
        room.emit(SocketEvent.PresenceUpdated, after.participant)
    }
    for (const listener of this.memberListeners) {
      try {
        listener(change)
      } catch (error) {
        this.options.logger.error('member listener failed', { room: member.roomId, error })
      }
    }
  }

  private unreserve(roomId: string, socketId: string) {
    const pending = this.admitting.get(roomId)
    pending?.delete(socketId)
    if (pending?.size === 0) this.admitting.delete(roomId)
  }

  private admit(socket: PresenceSocket) {
    const { roomId, seat } = socket.data
    this.unreserve(roomId, socket.id)
    const { maxSendBufferBytes } = this.options
    if (maxSendBufferBytes !== undefined) {
      limitSendBuffer(socket, maxSendBufferBytes, (queuedBytes) =>
        this.options.logger.warn('disconnecting a socket.io client that does not read', { room: roomId, queuedBytes })
      )
    }
    const present = new Map(this.directory.members(roomId).map((m) => [m.socketId, m.participant]))
    const participant = { ...socket.data.participant, color: colorFor(socket.data.participant.userId, present) }
    socket.data.participant = participant
    let sockets = this.sockets.get(roomId)
    if (!sockets) this.sockets.set(roomId, (sockets = new Set()))
    sockets.add(socket)
    void socket.join([channel(roomId), seatChannel(roomId, seat, participant.role)])
    socket.emit(SocketEvent.Hello, { protocolVersion: PROTOCOL_VERSION, you: participant })
    // The joiner gets the list once; everyone else only learns of the joiner.
    this.putMember(undefined, { socketId: socket.id, roomId, seat, participant, audio: false })
    socket.emit(SocketEvent.PresenceSnapshot, { participants: this.list(roomId) })
    this.options.logger.debug('joined', { room: roomId, role: participant.role })

    onCommand(socket, this.options.logger, {
      event: SocketEvent.PresenceStatus,
      schema: PresenceStatusPayloadSchema,
      action: Action.JoinRoom,
      run: ({ status }) => {
        const current = this.directory.member(roomId, socket.id)
        if (!current || current.participant.status === status) return
        socket.data.participant = { ...current.participant, status }
        this.putMember(current, { ...current, participant: socket.data.participant })
      },
    })

    socket.on('disconnect', () => {
      this.claimed.delete(socket.conn)
      const open = this.sockets.get(roomId)
      open?.delete(socket)
      if (open && open.size === 0) this.sockets.delete(roomId)
      const left = this.directory.member(roomId, socket.id)
      if (!left) return
      this.directory.remove(socket.id)
      this.memberChanged({ before: left, after: undefined })
    })
    for (const hook of this.hooks) hook(socket)
    this.confirmRole(socket).catch((error: unknown) =>
      this.options.logger.warn('could not confirm a socket’s role', { room: roomId, error })
    )
  }

  async close(): Promise<void> {
    // Closing the sockets announces each leave to the other relays; then the goodbye (which
    // covers any leave lost on the way), then Redis.
    await new Promise<void>((resolve) => void this.io.close(() => resolve()))
    this.directory.close()
    await this.options.cluster?.redis.close()
  }
}
