import { Redis } from 'ioredis'
import type { Logger } from '../logger.ts'

/** What travels on a room's stream. */
export const BusEntryKind = { Update: 'update', Awareness: 'awareness', Event: 'event' } as const
export type BusEntryKind = (typeof BusEntryKind)[keyof typeof BusEntryKind]
const KINDS = new Set<string>(Object.values(BusEntryKind))

/** One entry of a room's stream, as a subscriber receives it. */
export interface BusEntry {
  roomId: string
  kind: BusEntryKind
  /**
   * The room's sequence number: for an update, its own seq in the board log; for anything else,
   * the highest seq the publisher had committed when it published (so those reveal gaps too).
   */
  seq: number
  /** NODE_ID of the publisher. */
  origin: string
  payload: Uint8Array
  /** When Redis appended it (ms since the epoch, Redis's clock: the stream entry's id). */
  publishedAt: number
}

/** Updates this subscriber has not seen; the caller reads them from storage (`readUpdates`). */
export interface BusGap {
  roomId: string
  /** Every update with seq > afterSeq … */
  afterSeq: number
  /** … up to and including this one; null when unknown (read to the end of the log). */
  throughSeq: number | null
  /** `missing`: an entry arrived with a higher seq than the next; `reconnected`: Redis was unreachable. */
  reason: 'missing' | 'reconnected'
}

export interface RoomSubscription {
  /** An entry from another node, in stream order. Never called for this node's own entries. */
  onEntry(entry: BusEntry): void
  /** Called before the entry that revealed the gap is delivered. */
  onGap(gap: BusGap): void
}

export interface RedisRoomBusOptions {
  url: string
  nodeId: string
  logger: Logger
  /** Entries kept per room stream (approximate: `MAXLEN ~`); a reader further behind sees a gap. */
  maxLenPerRoom?: number
  /** Longest XREAD BLOCK; a read that hangs across a reconnect is abandoned after this. */
  blockMs?: number
  /** Wait between attempts while Redis is unreachable. */
  retryMs?: number
}

const DEFAULT_MAXLEN_PER_ROOM = 1_000
const DEFAULT_BLOCK_MS = 5_000
const DEFAULT_RETRY_MS = 200
/** Entries taken per room per read, so one busy room cannot starve the rest. */
const READ_COUNT = 256
const KEY_PREFIX = 'loopboard:room:'

interface Subscription {
  handler: RoomSubscription
  /** Highest seq this subscriber's state covers. */
  lastSeq: number
  /** Stream id to read after. */
  streamId: string
}

const streamKey = (roomId: string) => `${KEY_PREFIX}${roomId}`

/**
 * Fan-out of a room's committed updates, awareness and events between relays: one Redis stream
 * per room (XADD … MAXLEN ~), read by every node with one blocking XREAD over all the rooms it
 * serves. Redis is never the only copy: every entry's seq lets a reader tell which updates it has
 * not seen (trimmed away, published while Redis was down, or lost with a Redis restarted empty),
 * and it is told to fill them from storage. The relay uses it through `RoomFanout`.
 */
export class RedisRoomBus {
  private commands: Redis
  private reader: Redis
  private subscriptions = new Map<string, Subscription>()
  private options: Required<Omit<RedisRoomBusOptions, 'logger'>> & { logger: Logger }
  private readerId: number | null = null
  private reading: Promise<void> | null = null
  private closed = false
  /** Set when a read failed: once Redis answers again, every subscriber is told to resync. */
  private broken = false
  private blocked = false

  private constructor(options: RedisRoomBusOptions) {
    this.options = {
      maxLenPerRoom: DEFAULT_MAXLEN_PER_ROOM,
      blockMs: DEFAULT_BLOCK_MS,
      retryMs: DEFAULT_RETRY_MS,
      ...options,
    }
    const common = {
      lazyConnect: true,
      // Fail fast while Redis is down instead of queueing: a publish that did not happen is
      // covered by storage, a late one would only arrive out of order.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => this.options.retryMs,
    }
    this.commands = new Redis(options.url, { ...common, connectionName: `loopboard:${options.nodeId}:commands` })
    // A blocking read in flight when the connection drops must fail, not be re-sent and hang.
    this.reader = new Redis(options.url, {
      ...common,
      autoResendUnfulfilledCommands: false,
      connectionName: `loopboard:${options.nodeId}:reader`,
    })
    for (const [name, client] of [
      ['commands', this.commands],
      ['reader', this.reader],
    ] as const) {
      client.on('error', (error: Error) => this.options.logger.debug('redis connection error', { client: name, error }))
    }
    this.reader.on('ready', () => {
      this.readerId = null
    })
  }

  /** Connect both connections; rejects if Redis does not answer. */
  static async connect(options: RedisRoomBusOptions): Promise<RedisRoomBus> {
    const bus = new RedisRoomBus(options)
    try {
      await Promise.all([bus.commands.connect(), bus.reader.connect()])
    } catch (error) {
      bus.commands.disconnect()
      bus.reader.disconnect()
      throw error
    }
    return bus
  }

  /** Throws unless Redis answers (for `/readyz`). */
  async ping(): Promise<void> {
    await this.commands.ping()
  }

  /** Append an entry to the room's stream; rejects when Redis is unreachable (nothing is queued). */
  async publish(roomId: string, entry: { kind: BusEntryKind; seq: number; payload: Uint8Array }): Promise<void> {
    const payload = Buffer.from(entry.payload.buffer, entry.payload.byteOffset, entry.payload.byteLength)
    await this.commands.xadd(
      streamKey(roomId),
      'MAXLEN',
      '~',
      this.options.maxLenPerRoom,
      '*',
      'k',
      entry.kind,
      's',
      entry.seq,
      'o',
      this.options.nodeId,
      'd',
      payload
    )
  }

  /**
   * Receive the room's entries published from now on, by other nodes. `lastSeq` is the highest
   * seq the caller's state already covers; entries at or below it are skipped.
   * Returns the unsubscribe.
   */
  async subscribe(roomId: string, lastSeq: number, handler: RoomSubscription): Promise<() => void> {
    if (this.subscriptions.has(roomId)) throw new Error(`already subscribed to room ${roomId}`)
    // Start after the stream's current last entry: what came before is in storage already.
    const last = (await this.commands.xrevrange(streamKey(roomId), '+', '-', 'COUNT', 1))[0]
    const subscription: Subscription = { handler, lastSeq, streamId: last?.[0] ?? '0-0' }
    this.subscriptions.set(roomId, subscription)
    this.restartRead()
    return () => {
      if (this.subscriptions.get(roomId) !== subscription) return
      this.subscriptions.delete(roomId)
      this.restartRead()
    }
  }

  /** Rooms this node listens to. */
  get rooms(): string[] {
    return [...this.subscriptions.keys()]
  }

  async close(): Promise<void> {
    this.closed = true
    this.reader.disconnect()
    await this.reading?.catch(() => {})
    await this.commands.quit().catch(() => this.commands.disconnect())
  }

  /** Make the read loop pick up a changed set of rooms now, not after its current BLOCK. */
  private restartRead(): void {
    if (this.closed) return
    if (!this.reading) {
      this.reading = this.readLoop().finally(() => (this.reading = null))
      return
    }
    if (this.blocked && this.readerId !== null) {
      void this.commands.client('UNBLOCK', this.readerId).catch(() => {})
    }
  }

  private async readLoop(): Promise<void> {
    while (!this.closed && this.subscriptions.size) {
      try {
        this.readerId ??= Number(await this.reader.client('ID'))
        if (this.broken) this.resyncAll()
        const rooms = [...this.subscriptions.entries()]
        this.blocked = true
        const reply = (await this.reader.xreadBuffer(
          'COUNT',
          READ_COUNT,
          'BLOCK',
          this.options.blockMs,
          'STREAMS',
          ...rooms.map(([roomId]) => streamKey(roomId)),
          ...rooms.map(([, s]) => s.streamId)
        )) as Array<[Buffer, Array<[Buffer, Buffer[]]>]> | null
        this.blocked = false
        for (const [key, items] of reply ?? []) this.deliver(key.toString().slice(KEY_PREFIX.length), items)
      } catch (error) {
        this.blocked = false
        if (this.closed) return
        if (!this.broken) this.options.logger.warn('room bus: Redis unreachable, will resync on return', { error })
        this.broken = true
        this.readerId = null
        await new Promise((resolve) => setTimeout(resolve, this.options.retryMs))
      }
    }
  }

  /** After an outage nobody knows what was missed: every room reads its log past lastSeq. */
  private resyncAll(): void {
    this.broken = false
    this.options.logger.info('room bus: Redis back, resyncing rooms', { rooms: this.subscriptions.size })
    for (const [roomId, s] of this.subscriptions) {
      this.safely(roomId, () =>
        s.handler.onGap({ roomId, afterSeq: s.lastSeq, throughSeq: null, reason: 'reconnected' })
      )
    }
  }

  private deliver(roomId: string, items: Array<[Buffer, Buffer[]]>): void {
    const s = this.subscriptions.get(roomId)
    if (!s) return
    for (const [id, fields] of items) {
      s.streamId = id.toString()
      const entry = parseEntry(roomId, fields, Number(s.streamId.split('-')[0]))
      if (!entry) {
        this.options.logger.warn('room bus: malformed entry skipped', { roomId, id: s.streamId })
        continue
      }
      // Updates advance the room by one; anything else only says how far the publisher was.
      const expected = entry.kind === BusEntryKind.Update ? s.lastSeq + 1 : s.lastSeq
      if (entry.seq > expected) {
        const gap: BusGap = {
          roomId,
          afterSeq: s.lastSeq,
          throughSeq: entry.kind === BusEntryKind.Update ? entry.seq - 1 : entry.seq,
          reason: 'missing',
        }
        this.safely(roomId, () => s.handler.onGap(gap))
      }
      if (entry.kind === BusEntryKind.Update && entry.seq <= s.lastSeq) continue // seen already
      if (entry.kind === BusEntryKind.Update || entry.seq > s.lastSeq) s.lastSeq = Math.max(s.lastSeq, entry.seq)
      if (entry.origin === this.options.nodeId) continue
      this.safely(roomId, () => s.handler.onEntry(entry))
    }
  }

  /** A subscriber's exception stays with its room. */
  private safely(roomId: string, fn: () => void): void {
    try {
      fn()
    } catch (error) {
      this.options.logger.error('room bus: subscriber failed', { roomId, error })
    }
  }
}

function parseEntry(roomId: string, fields: Buffer[], publishedAt: number): BusEntry | null {
  const map = new Map<string, Buffer>()
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i]!.toString(), fields[i + 1]!)
  const kind = map.get('k')?.toString()
  const seq = Number(map.get('s')?.toString())
  const origin = map.get('o')?.toString()
  const data = map.get('d')
  if (!kind || !KINDS.has(kind) || !Number.isSafeInteger(seq) || seq < 0 || !origin || !data) return null
  return {
    roomId,
    kind: kind as BusEntryKind,
    seq,
    origin,
    payload: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    publishedAt,
  }
}
