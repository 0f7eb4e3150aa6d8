import { z } from 'zod'
import type { BusEntry, RedisRoomBus } from '../bus/RedisRoomBus.ts'
import { BusEntryKind } from '../bus/RedisRoomBus.ts'
import type { Logger } from '../logger.ts'
import type { FanoutMetrics } from '../metrics/Metrics.ts'
import type { AsyncStorage } from '../storage/AsyncStorage.ts'
import { decodeAwarenessUpdate } from './awarenessFilter.ts'
import type { SyncRoom } from './SyncRoom.ts'

/** How often a relay says, in each room it has sockets in, that it is alive. */
export const NODE_HEARTBEAT_MS = 5_000
/** A relay not heard from in a room for this long is gone: its sockets' cursors are removed. */
export const NODE_TIMEOUT_MS = 15_000
/** An update this relay committed past a seq it lacks waits this long for the bus before storage is read. */
const GAP_GRACE_MS = 500
/** Wait before subscribing again after Redis refused a subscription. */
const RESUBSCRIBE_MS = 1_000
/**
 * What one relay tells the others about a room's /yjs sockets: the room was deleted (close them
 * with 4404) or a link of it was replaced (close them so they authenticate again).
 */
export const RoomNotice = { Deleted: 'deleted', Reauthenticate: 'reauthenticate' } as const
export type RoomNotice = (typeof RoomNotice)[keyof typeof RoomNotice]
const RoomNoticeSchema = z.object({ notice: z.enum([RoomNotice.Deleted, RoomNotice.Reauthenticate]) })
const utf8 = new TextDecoder('utf-8', { fatal: true })

/** An awareness update with no entries: the heartbeat. */
const HEARTBEAT = Uint8Array.of(0)
/** Remote awareness comes from relays, which vouched for it; these only bound the decoding. */
const AWARENESS_DECODE_BUDGET = { maxStateBytes: 1024 * 1024, maxDepth: 1_000 }

export interface RoomFanoutOptions {
  bus: Pick<RedisRoomBus, 'publish' | 'subscribe' | 'close'>
  storage: Pick<AsyncStorage, 'readUpdates'>
  logger: Logger
  metrics?: FanoutMetrics
  heartbeatMs?: number
  nodeTimeoutMs?: number
  now?: () => number
}

interface Linked {
  room: SyncRoom
  unsubscribe: (() => void) | null
  subscribing: boolean
  detached: boolean
  /** Updates from the bus not applied yet (past a seq the room lacks), by seq. */
  pending: Map<number, { update: Uint8Array; publishedAt: number }>
  /** A read of the log in progress, and whether another is wanted after it. */
  filling: Promise<void> | null
  refill: boolean
  gapTimer: NodeJS.Timeout | null
  /** Other relays in this room: when last heard from, and their sockets' awareness ids. */
  nodes: Map<string, { lastHeard: number; clients: Set<number> }>
}

/**
 * A room's board and awareness across relays, over the Redis bus. Each update this relay
 * commits is published with its seq (after the commit: Redis never holds what storage does
 * not); each awareness change of its sockets too. Updates of other relays are applied in seq
 * order; a seq that does not arrive (trimmed, published while Redis was down, lost with a Redis
 * restarted empty) is read from storage, so Redis is never the only copy. Awareness of another
 * relay's sockets is dropped once that relay has not been heard from for {@link NODE_TIMEOUT_MS}
 * (each relay beats every {@link NODE_HEARTBEAT_MS} in the rooms it has sockets in).
 */
export class RoomFanout {
  private options: Required<Omit<RoomFanoutOptions, 'now' | 'metrics'>> & {
    now: () => number
    metrics: FanoutMetrics | undefined
  }
  private rooms = new Map<string, Linked>()
  private timer: NodeJS.Timeout
  private closed = false
  private noticeHandler: ((roomId: string, notice: RoomNotice) => void) | null = null

  constructor(options: RoomFanoutOptions) {
    this.options = {
      heartbeatMs: NODE_HEARTBEAT_MS,
      nodeTimeoutMs: NODE_TIMEOUT_MS,
      now: Date.now,
      metrics: undefined,
      ...options,
    }
    this.timer = setInterval(() => this.tick(), this.options.heartbeatMs).unref()
  }

  /** Start carrying a room that was just loaded (its doc holds every update up to `heldSeq`). */
  attach(room: SyncRoom): void {
    const previous = this.rooms.get(room.roomId)
    if (previous) this.detach(previous.room)
    const linked: Linked = {
      room,
      unsubscribe: null,
      subscribing: false,
      detached: false,
      pending: new Map(),
      filling: null,
      refill: false,
      gapTimer: null,
      nodes: new Map(),
    }
    this.rooms.set(room.roomId, linked)
    room.setFanout({
      committed: (seq, update) => {
        this.publish(room.roomId, BusEntryKind.Update, seq, update)
        // Another relay committed the seqs in between: the bus should bring them at once.
        if (room.hasGap) this.fillSoon(linked)
      },
      awareness: (update) => this.publish(room.roomId, BusEntryKind.Awareness, room.heldSeq, update),
    })
    this.subscribe(linked)
  }

  /** Stop carrying a room (unloaded, evicted, deleted); nothing if another copy of it is carried now. */
  detach(room: SyncRoom): void {
    const linked = this.rooms.get(room.roomId)
    if (linked?.room !== room) return
    this.rooms.delete(room.roomId)
    linked.detached = true
    linked.room.setFanout(null)
    linked.unsubscribe?.()
    if (linked.gapTimer) clearTimeout(linked.gapTimer)
  }

  /** Called with each notice another relay sends about a room loaded here. */
  onNotice(handler: (roomId: string, notice: RoomNotice) => void): void {
    this.noticeHandler = handler
  }

  /** Tell the other relays about a room, whether or not it is loaded here. */
  announce(roomId: string, notice: RoomNotice): void {
    // Seq 0: a notice says nothing about how far the board is.
    this.publish(roomId, BusEntryKind.Event, 0, new TextEncoder().encode(JSON.stringify({ notice })))
  }

  async close(): Promise<void> {
    this.closed = true
    clearInterval(this.timer)
    for (const linked of [...this.rooms.values()]) this.detach(linked.room)
    await this.options.bus.close()
  }

  private subscribe(linked: Linked): void {
    if (linked.subscribing || linked.unsubscribe || linked.detached || this.closed) return
    linked.subscribing = true
    const { room } = linked
    this.options.bus
      .subscribe(room.roomId, room.heldSeq, {
        onEntry: (entry) => this.onEntry(linked, entry),
        onGap: () => this.fill(linked),
      })
      .then(
        (unsubscribe) => {
          linked.subscribing = false
          if (linked.detached) return unsubscribe()
          linked.unsubscribe = unsubscribe
          // Whatever was committed between the load and the subscription is in storage.
          this.fill(linked)
        },
        (error: unknown) => {
          linked.subscribing = false
          this.options.metrics?.fanoutFailed()
          this.options.logger.warn('room bus: could not subscribe; retrying', { room: room.roomId, error })
          setTimeout(() => this.subscribe(linked), RESUBSCRIBE_MS).unref()
        }
      )
  }

  private publish(roomId: string, kind: BusEntryKind, seq: number, payload: Uint8Array): void {
    // A publish that fails loses nothing: the update is in storage, and readers find the gap.
    this.options.bus.publish(roomId, { kind, seq, payload }).catch((error: unknown) => {
      this.options.metrics?.fanoutFailed()
      this.options.logger.debug('room bus: publish failed', { room: roomId, kind, error })
    })
  }

  private onEntry(linked: Linked, entry: BusEntry): void {
    const node = linked.nodes.get(entry.origin) ?? { lastHeard: 0, clients: new Set<number>() }
    node.lastHeard = this.options.now()
    linked.nodes.set(entry.origin, node)
    if (entry.kind === BusEntryKind.Update) {
      if (!linked.room.holds(entry.seq)) {
        linked.pending.set(entry.seq, { update: entry.payload, publishedAt: entry.publishedAt })
      }
      this.drain(linked)
    } else if (entry.kind === BusEntryKind.Event) {
      let parsed
      try {
        parsed = RoomNoticeSchema.safeParse(JSON.parse(utf8.decode(entry.payload)))
      } catch {
        parsed = null
      }
      if (!parsed?.success) {
        this.options.logger.warn('room bus: malformed notice skipped', { room: linked.room.roomId })
        return
      }
      this.noticeHandler?.(linked.room.roomId, parsed.data.notice)
    } else if (entry.kind === BusEntryKind.Awareness) {
      let entries
      try {
        entries = decodeAwarenessUpdate(entry.payload, AWARENESS_DECODE_BUDGET)
      } catch (error) {
        this.options.logger.warn('room bus: malformed awareness skipped', { room: linked.room.roomId, error })
        return
      }
      for (const e of entries) {
        if (e.state === null) node.clients.delete(e.clientId)
        else node.clients.add(e.clientId)
      }
      linked.room.applyRemoteAwareness(entry.payload, entries)
    }
  }

  /** Apply the pending updates that continue the room's seq; read the log if one is missing. */
  private drain(linked: Linked): void {
    const { room, pending } = linked
    for (let next = pending.get(room.heldSeq + 1); next; next = pending.get(room.heldSeq + 1)) {
      const seq = room.heldSeq + 1
      pending.delete(seq)
      room.applyRemoteUpdate(seq, next.update)
      this.options.metrics?.fanoutDelivered(next.publishedAt)
    }
    for (const seq of pending.keys()) if (room.holds(seq)) pending.delete(seq)
    if (pending.size) this.fill(linked)
  }

  private fillSoon(linked: Linked): void {
    if (linked.gapTimer) return
    linked.gapTimer = setTimeout(() => {
      linked.gapTimer = null
      if (linked.room.hasGap || linked.pending.size) this.fill(linked)
    }, GAP_GRACE_MS).unref()
  }

  /** Read every update after the room's contiguous seq from storage and apply what it lacks. */
  private fill(linked: Linked): void {
    if (linked.detached) return
    if (linked.filling) {
      linked.refill = true
      return
    }
    const { room } = linked
    linked.filling = (async () => {
      const updates = await this.options.storage.readUpdates(room.roomId, room.heldSeq)
      if (linked.detached) return
      // Storage's seqs have no holes; the room skips what it holds.
      let filled = 0
      for (const u of updates) {
        linked.pending.delete(u.seq)
        if (u.seq !== room.heldSeq + 1) continue
        room.applyRemoteUpdate(u.seq, u.update)
        filled++
      }
      if (filled) this.options.metrics?.fanoutGapFilled(filled)
    })()
      .catch((error: unknown) =>
        this.options.logger.warn('could not read missing updates from storage; will retry', {
          room: room.roomId,
          error,
        })
      )
      .finally(() => {
        linked.filling = null
        if (linked.detached) return
        const again = linked.refill
        linked.refill = false
        this.drain(linked)
        if (again || room.hasGap) this.fillSoon(linked)
      })
  }

  private tick(): void {
    const now = this.options.now()
    for (const linked of this.rooms.values()) {
      try {
        if (!linked.unsubscribe) this.subscribe(linked)
        if (linked.room.size > 0) {
          this.publish(linked.room.roomId, BusEntryKind.Awareness, linked.room.heldSeq, HEARTBEAT)
        }
        for (const [nodeId, node] of linked.nodes) {
          if (now - node.lastHeard < this.options.nodeTimeoutMs) continue
          linked.nodes.delete(nodeId)
          linked.room.removeRemoteClients([...node.clients])
        }
        // Still missing something (storage was unreachable, or a seq never came): try again.
        if (linked.room.hasGap || linked.pending.size) this.fill(linked)
      } catch (error) {
        this.options.logger.error('room bus: tick failed', { room: linked.room.roomId, error })
      }
    }
  }
}
