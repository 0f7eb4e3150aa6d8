import { randomUUID } from 'node:crypto'
import { ParticipantSchema, RoleSchema } from '@loopboard/protocol'
import { z } from 'zod'
import type { Logger } from '../logger.ts'

/** One socket.io connection of a room, as every relay knows it. */
export const MemberSchema = z.object({
  socketId: z.string().min(1).max(64),
  roomId: z.string().min(1).max(128),
  /** The link it came in with (its role follows from the seat and the room's swap). */
  seat: RoleSchema,
  participant: ParticipantSchema,
  /** In the peer-to-peer audio call. */
  audio: z.boolean(),
})
export type Member = z.infer<typeof MemberSchema>

/** Members one relay may announce at once: far above what it admits (rooms × MAX_ROOM_PARTICIPANTS). */
const MAX_MEMBERS_PER_NODE = 100_000
const instance = z.string().min(1).max(64)
const version = z.number().int().nonnegative()

/** What relays tell each other about their own members (each message names its sender). */
export const DirectoryMessageSchema = z.discriminatedUnion('type', [
  /** A member joined or changed (status, role, audio). */
  z.object({ type: z.literal('put'), from: instance, node: z.string(), version, member: MemberSchema }),
  z.object({ type: z.literal('remove'), from: instance, node: z.string(), version, socketId: z.string().max(64) }),
  /** "Still here, at this version": a listener that missed a change asks for everything. */
  z.object({ type: z.literal('beat'), from: instance, node: z.string(), version }),
  /** Asks one relay (or every relay: `to` null) for all its members. */
  z.object({ type: z.literal('sync'), from: instance, to: instance.nullable() }),
  z.object({
    type: z.literal('full'),
    from: instance,
    node: z.string(),
    version,
    members: z.array(MemberSchema).max(MAX_MEMBERS_PER_NODE),
  }),
  /** Stopping: forget my members now rather than after the timeout. */
  z.object({ type: z.literal('bye'), from: instance }),
])
export type DirectoryMessage = z.infer<typeof DirectoryMessageSchema>

/** How directory messages travel between relays (socket.io's server-side emit over Redis). */
export interface DirectoryTransport {
  publish(message: DirectoryMessage): void
  subscribe(handler: (message: unknown) => void): void
}

/** Why a member of another relay appeared, changed or went. */
export type RemoteReason = 'diff' | 'resync' | 'node-lost' | 'node-left'

/** A member as it was and as it is now (undefined: not there). */
export interface MemberChange {
  before: Member | undefined
  after: Member | undefined
}

export interface RemoteChange extends MemberChange {
  reason: RemoteReason
}

export interface PresenceDirectoryOptions {
  nodeId: string
  logger: Logger
  /** Without one, the directory holds this relay's members only (the embedded server). */
  transport?: DirectoryTransport
  /** A member of another relay appeared, changed or went. */
  onRemoteChange?: (change: RemoteChange) => void
  heartbeatMs?: number
  /** A relay silent this long is taken for dead and its members leave every room. */
  nodeTimeoutMs?: number
}

/**
 * Beat every 2 s; a relay silent for 7 s is gone. A `kill -9`ed relay's members thus leave
 * everyone's presence 5–9 s after it died (within the 15 s the cluster promises), while a relay
 * stalled by a long garbage collection or a slow Redis round trip (well under 5 s) stays.
 */
export const DEFAULT_HEARTBEAT_MS = 2_000
export const DEFAULT_NODE_TIMEOUT_MS = 7_000
/** After the first heartbeat interval, how much longer a starting relay waits for late beats. */
const SETTLE_MARGIN_MS = 500

interface RemoteNode {
  node: string
  /** Version of the last change applied; null while waiting for a full list. */
  version: number | null
  lastSeenAt: number
  syncRequestedAt: number
  members: Map<string, Member>
}

/**
 * Who is connected to socket.io in each room, across every relay. Each relay owns its members
 * and announces every change with a version number; the others keep a copy. A listener that
 * notices a missed change (a gap in versions, or a heartbeat at another version — Redis pub/sub
 * drops messages while a connection is down) asks for the full list again, and a relay whose
 * heartbeats stop is dropped with all its members. Without a transport, only local members.
 */
export class PresenceDirectory {
  /** This process, among relays (a restarted relay is a new instance even with the same NODE_ID). */
  readonly instanceId = randomUUID()
  private version = 0
  private local = new Map<string, Member>()
  private remote = new Map<string, RemoteNode>()
  /** Every member, local or remote, by room. */
  private rooms = new Map<string, Map<string, Member>>()
  private timer: NodeJS.Timeout | null = null
  private readonly startedAt = Date.now()
  private settled = false
  private readonly heartbeatMs: number
  private readonly nodeTimeoutMs: number
  private options: PresenceDirectoryOptions

  constructor(options: PresenceDirectoryOptions) {
    this.options = options
    this.heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS
    this.nodeTimeoutMs = options.nodeTimeoutMs ?? DEFAULT_NODE_TIMEOUT_MS
    const { transport } = options
    if (!transport) return
    transport.subscribe((raw) => {
      const parsed = DirectoryMessageSchema.safeParse(raw)
      if (!parsed.success) {
        options.logger.warn('ignored a malformed presence message from another relay', {
          error: z.prettifyError(parsed.error),
        })
        return
      }
      try {
        this.receive(parsed.data)
      } catch (error) {
        options.logger.error('presence message from another relay failed', { error })
      }
    })
    this.timer = setInterval(() => this.tick(), this.heartbeatMs)
    this.timer.unref()
    // Whoever is already up answers with their members.
    this.publish({ type: 'sync', from: this.instanceId, to: null })
  }

  /**
   * Whether this relay knows every other relay's members: a heartbeat round (plus a margin for a
   * loaded machine) went by since it started, so every live relay has beaten, and each of them
   * has sent its full list. Stays true once reached; the readiness check waits for it, so a
   * client is not admitted (and given a colour) against a list that lacks whole relays.
   */
  synced(): boolean {
    if (this.settled || !this.options.transport) return true
    if (Date.now() - this.startedAt < this.heartbeatMs + SETTLE_MARGIN_MS) return false
    for (const node of this.remote.values()) if (node.version === null) return false
    return (this.settled = true)
  }

  /** Everyone in a room, on every relay. */
  members(roomId: string): Member[] {
    return [...(this.rooms.get(roomId)?.values() ?? [])]
  }

  member(roomId: string, socketId: string): Member | undefined {
    return this.rooms.get(roomId)?.get(socketId)
  }

  count(roomId: string): number {
    return this.rooms.get(roomId)?.size ?? 0
  }

  /** Add or change one of this relay's members, and tell the others. */
  put(member: Member): void {
    this.local.set(member.socketId, member)
    this.index(member)
    this.publish({ type: 'put', from: this.instanceId, node: this.options.nodeId, version: ++this.version, member })
  }

  remove(socketId: string): void {
    const member = this.local.get(socketId)
    if (!member) return
    this.local.delete(socketId)
    this.unindex(member)
    this.publish({
      type: 'remove',
      from: this.instanceId,
      node: this.options.nodeId,
      version: ++this.version,
      socketId,
    })
  }

  /** Stop beating and tell the others this relay's members are gone. */
  close(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    this.publish({ type: 'bye', from: this.instanceId })
  }

  private publish(message: DirectoryMessage) {
    this.options.transport?.publish(message)
  }

  private receive(message: DirectoryMessage) {
    if (message.from === this.instanceId) return
    if (message.type === 'sync') {
      if (message.to === null || message.to === this.instanceId) this.publishFull()
      return
    }
    if (message.type === 'bye') {
      const node = this.remote.get(message.from)
      if (node) this.dropNode(message.from, node, 'node-left')
      return
    }
    const now = Date.now()
    let node = this.remote.get(message.from)
    if (!node) {
      // Instance ids are per process and a process starts at version 0 with no members, so a
      // relay never heard of is at version 0, empty: its first change applies as it is. (One
      // dropped for silence that speaks again shows a gap and is asked for its list.)
      node = { node: message.node, version: 0, lastSeenAt: now, syncRequestedAt: 0, members: new Map() }
      this.remote.set(message.from, node)
    }
    node.lastSeenAt = now
    switch (message.type) {
      case 'full':
        return this.replaceMembers(node, message.members, message.version)
      case 'beat':
        if (node.version !== message.version) this.requestSync(message.from, node, now)
        return
      case 'put':
      case 'remove':
        if (node.version === null || message.version > node.version + 1)
          return this.requestSync(message.from, node, now)
        if (message.version <= node.version) return
        node.version = message.version
        if (message.type === 'put') this.setRemote(node, message.member, 'diff')
        else this.deleteRemote(node, message.socketId, 'diff')
    }
  }

  private requestSync(from: string, node: RemoteNode, now: number) {
    // Diffs after a gap are not applied until the full list replaces what this copy holds.
    node.version = null
    if (now - node.syncRequestedAt < this.heartbeatMs) return
    node.syncRequestedAt = now
    this.publish({ type: 'sync', from: this.instanceId, to: from })
  }

  private publishFull() {
    this.publish({
      type: 'full',
      from: this.instanceId,
      node: this.options.nodeId,
      version: this.version,
      members: [...this.local.values()],
    })
  }

  private replaceMembers(node: RemoteNode, members: Member[], version: number) {
    const next = new Map(members.map((m) => [m.socketId, m]))
    for (const socketId of [...node.members.keys()])
      if (!next.has(socketId)) this.deleteRemote(node, socketId, 'resync')
    for (const member of next.values()) {
      const before = node.members.get(member.socketId)
      if (!before || JSON.stringify(before) !== JSON.stringify(member)) this.setRemote(node, member, 'resync')
    }
    node.version = version
  }

  private setRemote(node: RemoteNode, member: Member, reason: RemoteReason) {
    const before = node.members.get(member.socketId)
    // A socket never moves between rooms; one that claims to is treated as leaving the old one.
    if (before && before.roomId !== member.roomId) this.deleteRemote(node, member.socketId, reason)
    const previous = node.members.get(member.socketId)
    node.members.set(member.socketId, member)
    this.index(member)
    this.options.onRemoteChange?.({ before: previous, after: member, reason })
  }

  private deleteRemote(node: RemoteNode, socketId: string, reason: RemoteReason) {
    const member = node.members.get(socketId)
    if (!member) return
    node.members.delete(socketId)
    this.unindex(member)
    this.options.onRemoteChange?.({ before: member, after: undefined, reason })
  }

  private dropNode(instanceId: string, node: RemoteNode, reason: RemoteReason) {
    this.remote.delete(instanceId)
    for (const socketId of [...node.members.keys()]) this.deleteRemote(node, socketId, reason)
  }

  private tick() {
    this.publish({ type: 'beat', from: this.instanceId, node: this.options.nodeId, version: this.version })
    const now = Date.now()
    for (const [instanceId, node] of this.remote) {
      if (now - node.lastSeenAt <= this.nodeTimeoutMs) continue
      if (node.members.size > 0) {
        this.options.logger.warn('relay stopped answering; its participants left presence', {
          peer: node.node,
          participants: node.members.size,
        })
      }
      this.dropNode(instanceId, node, 'node-lost')
    }
  }

  private index(member: Member) {
    let room = this.rooms.get(member.roomId)
    if (!room) this.rooms.set(member.roomId, (room = new Map()))
    room.set(member.socketId, member)
  }

  private unindex(member: Member) {
    const room = this.rooms.get(member.roomId)
    room?.delete(member.socketId)
    if (room?.size === 0) this.rooms.delete(member.roomId)
  }
}
