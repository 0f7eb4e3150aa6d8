import type { Role } from '@loopboard/protocol'
import type { Logger } from '../logger.ts'
import type { AsyncStorage } from '../storage/AsyncStorage.ts'
import type { CreateOptions, CreatedRoom, RoomService } from './RoomService.ts'

/** How often the retention sweep runs (it also runs once at start). */
export const RETENTION_SWEEP_INTERVAL_MS = 60 * 60 * 1000
const DAY_MS = 24 * 60 * 60 * 1000

/**
 * What a part of the server that holds per-room state does as rooms come and go (the shape of
 * Hocuspocus' extension hooks). Every hook is optional; a failing hook is logged and the others
 * still run.
 */
export interface RoomHooks {
  /** Names the part in logs. */
  name: string
  /** A room is being deleted: close its live connections (runs, and is awaited, before its rows go). */
  closeConnections?(roomId: string): void | Promise<void>
  /** A seat's link was replaced: close what the old token opened (awaited before the new link is returned). */
  linkReplaced?(roomId: string, seat: Role): void | Promise<void>
  /** The room's rows are gone: let go of memory and files kept for it. */
  release?(roomId: string): void | Promise<void>
  /** Someone is connected to the room now (retention leaves live rooms alone). */
  isLive?(roomId: string): boolean
  /** Retention: remove leftovers (files…) of rooms that no longer exist. */
  sweep?(roomExists: (roomId: string) => Promise<boolean>): Promise<void>
}

export interface RoomLifecycleOptions {
  rooms: RoomService
  storage: Pick<AsyncStorage, 'deleteRoom' | 'roomsInactiveSince' | 'getRoom'>
  logger: Logger
  /** Delete rooms idle for longer than this many days; 0 keeps them forever. */
  retentionDays: number
  now?: () => number
  /**
   * Runs the retention sweep: with several relays on one Postgres, on one of them at a time (the
   * others skip the round; `Backend.runOnce`). By default it runs here.
   */
  runOnce?: <T>(name: string, work: () => Promise<T>) => Promise<{ ran: true; result: T } | { ran: false }>
}

/**
 * The one owner of a room's life: created here, deleted here (on request or by the retention
 * sweep), and every part that keeps something per room — the /yjs relay, the socket.io hub,
 * the interview's memory, audio files — hears of it through its {@link RoomHooks}. Rooms are
 * loaded into the relay on their first connection and unloaded when the last one leaves
 * (`SyncRelay`); a deleted room is dropped from it without a snapshot.
 */
export class RoomLifecycle {
  private rooms: RoomService
  private storage: RoomLifecycleOptions['storage']
  private logger: Logger
  private retentionDays: number
  private now: () => number
  private runOnce: NonNullable<RoomLifecycleOptions['runOnce']>
  private hooks: RoomHooks[] = []
  private sweeper: NodeJS.Timeout | null = null
  private sweeping: Promise<string[]> | null = null

  constructor(options: RoomLifecycleOptions) {
    this.rooms = options.rooms
    this.storage = options.storage
    this.logger = options.logger
    this.retentionDays = options.retentionDays
    this.now = options.now ?? Date.now
    this.runOnce = options.runOnce ?? (async (_name, work) => ({ ran: true, result: await work() }))
  }

  /** Let a part of the server take part in rooms' lifecycle. */
  register(hooks: RoomHooks): void {
    this.hooks.push(hooks)
  }

  /** Create a room and its three capability tokens. */
  create(title: string | undefined, options: CreateOptions = {}): Promise<CreatedRoom> {
    return this.rooms.create(title, { now: this.now(), ...options })
  }

  /**
   * Replace a seat's link (new token; the old one opens nothing any more) and close what the old
   * token has open. Returns the new token, shown once.
   */
  async replaceLink(roomId: string, seat: Role): Promise<string> {
    const token = await this.rooms.replaceToken(roomId, seat)
    for (const hooks of this.hooks) {
      try {
        await hooks.linkReplaced?.(roomId, seat)
      } catch (error) {
        this.logger.error('closing a replaced link’s connections failed', { room: roomId, part: hooks.name, error })
      }
    }
    this.logger.info('link replaced', { room: roomId, seat })
    return token
  }

  /**
   * Delete a room and everything it holds: live connections are closed, then its rows (board
   * log, snapshots, events, notes, scores, feedback, tracks… by `ON DELETE CASCADE`) go, then
   * memory and files kept for it. False if there was no such room.
   */
  async deleteRoom(roomId: string): Promise<boolean> {
    for (const hooks of this.hooks) {
      try {
        await hooks.closeConnections?.(roomId)
      } catch (error) {
        this.logger.error('closing a deleted room’s connections failed', { room: roomId, part: hooks.name, error })
      }
    }
    const deleted = await this.storage.deleteRoom(roomId)
    for (const hooks of this.hooks) {
      try {
        await hooks.release?.(roomId)
      } catch (error) {
        this.logger.error('releasing a deleted room failed', { room: roomId, part: hooks.name, error })
      }
    }
    if (deleted) this.logger.info('room deleted', { room: roomId })
    return deleted
  }

  /** Whether anyone is connected to the room now, by any transport. */
  isLive(roomId: string): boolean {
    return this.hooks.some((hooks) => hooks.isLive?.(roomId) ?? false)
  }

  /**
   * Delete every room idle for longer than the retention period (none when it is 0), except
   * rooms someone is connected to now; then let each part remove leftovers of rooms that no
   * longer exist. Returns the deleted room ids (none when another relay is sweeping).
   */
  sweep(now = this.now()): Promise<string[]> {
    return (this.sweeping ??= (async () => {
      try {
        const outcome = await this.runOnce('retention', () => this.sweepNow(now))
        return outcome.ran ? outcome.result : []
      } finally {
        this.sweeping = null
      }
    })())
  }

  private async sweepNow(now: number): Promise<string[]> {
    const deleted: string[] = []
    if (this.retentionDays > 0) {
      for (const roomId of await this.storage.roomsInactiveSince(now - this.retentionDays * DAY_MS)) {
        if (this.isLive(roomId)) continue
        if (await this.deleteRoom(roomId)) deleted.push(roomId)
      }
      if (deleted.length) {
        this.logger.info('retention sweep deleted rooms', { count: deleted.length, days: this.retentionDays })
      }
    }
    const exists = async (roomId: string) => (await this.storage.getRoom(roomId)) !== null
    for (const hooks of this.hooks) await hooks.sweep?.(exists)
    return deleted
  }

  /** Sweep now, then every hour (when a retention period is set). A failed sweep is logged. */
  async startRetention(): Promise<void> {
    const sweep = () => this.sweep().catch((error: unknown) => this.logger.error('retention sweep failed', { error }))
    if (this.retentionDays > 0 && !this.sweeper) {
      this.sweeper = setInterval(() => void sweep(), RETENTION_SWEEP_INTERVAL_MS)
      this.sweeper.unref()
    }
    await sweep()
  }

  /** Stop the retention timer and wait for a sweep in progress. */
  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper)
    this.sweeper = null
    await this.sweeping?.catch(() => {})
  }
}
