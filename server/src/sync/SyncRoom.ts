import { canEditBoard, CloseCode, type Role } from '@loopboard/protocol'
import { applyAwarenessUpdate, Awareness, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness'
import * as decoding from 'lib0/decoding'
import * as Y from 'yjs'
import type { Logger } from '../logger.ts'
import type { AsyncStorage } from '../storage/AsyncStorage.ts'
import type { StoredRoomState } from '../storage/Storage.ts'
import { FrameQueue } from './FrameQueue.ts'
import { UpdateBatcher } from './UpdateBatcher.ts'
import { HeldUpdates } from './HeldUpdates.ts'
import { BudgetExceededError, MalformedMessageError, RateLimitedError } from './syncErrors.ts'
import { TokenBucket } from './TokenBucket.ts'
import type { SnapshotPacer } from './SnapshotPacer.ts'
import { checkUpdate, type UpdateBudget, type UpdateCheck } from './updateBudget.ts'
import { LogThrottle } from '../limits/LogThrottle.ts'
import { AwarenessOwnership } from './AwarenessOwnership.ts'
import { decodeAwarenessUpdate, encodeAwarenessEntries } from './awarenessFilter.ts'
import {
  encodeAwareness,
  encodePermissionDenied,
  encodeSyncStep1,
  encodeSyncStep1FromState,
  encodeSyncStep2,
  encodeSyncStep2FromState,
  encodeUpdate,
  isEmptyUpdate,
  parseClientMessage,
} from './messages.ts'

/**
 * Sync-step-1 and query-awareness requests per socket: a burst, then one per interval. A stock
 * client asks once per connection; each answer can be the whole board, so a socket that keeps
 * asking is closed (4429) instead of being answered without bound.
 */
const SYNC_REQUEST_BURST = 5
const SYNC_REQUEST_REFILL_MS = 2_000
/**
 * Awareness bytes a socket may send: a burst, then a steady rate. Every state it sends is parsed,
 * re-encoded and sent to every other socket of the room, so an unlimited sender could keep the
 * relay busy for everyone. A stock client sends its whole state at most ~60 times a second; even
 * a 32 KiB state (a very large selection) at that rate stays under the rate.
 */
const AWARENESS_BURST_BYTES = 8 * 1024 * 1024
const AWARENESS_BYTES_PER_MS = 4 * 1024

/** One socket in a room, as the room sees it (no ws types here, so tests can drive it directly). */
export interface SyncConnection {
  readonly id: number
  readonly role: Role
  /** The server-issued participant id (from the tab's secret); awareness ids belong to it. */
  readonly participantId?: string
  send(frame: Uint8Array): void
  close(code: number, reason: string): void
}

/** The in-memory doc no longer matches storage; the relay must drop the room and reload it. */
export class RoomStateError extends Error {
  override name = 'RoomStateError'
}

/** The room's stored state could not be loaded; the room is unavailable, its history untouched. */
export class RoomLoadError extends Error {
  override name = 'RoomLoadError'
  /** The log entry that failed to apply (`snapshot` when the snapshot itself did). */
  readonly seq: number | 'snapshot'
  constructor(message: string, seq: number | 'snapshot', options?: ErrorOptions) {
    super(message, options)
    this.seq = seq
  }
}

/** Origin of changes another relay made (its updates and awareness), so they are not published back. */
export const REMOTE_ORIGIN = Symbol('another relay')

/** What a room tells the relay's fan-out to other relays (`RoomFanout`), when there is one. */
export interface RoomFanoutHooks {
  /** An update this relay committed, with the seq storage gave it. */
  committed(seq: number, update: Uint8Array): void
  /** An awareness change of this relay's sockets (an encoded awareness update). */
  awareness(update: Uint8Array): void
}

/** Budgets of one room (see README, bad input). */
export interface RoomLimits extends UpdateBudget {
  /** Structs with unresolved dependencies the room holds for one connection, at most. */
  maxPendingStructsPerConnection: number
  /** …and for all of its connections together. */
  maxPendingStructsPerRoom: number
  /** Largest awareness state of one client, in bytes of JSON. */
  maxAwarenessStateBytes: number
}

export const DEFAULT_ROOM_LIMITS: RoomLimits = {
  maxStructs: 20_000,
  maxDepth: 32,
  maxPendingStructsPerConnection: 1_000,
  maxPendingStructsPerRoom: 5_000,
  maxAwarenessStateBytes: 32 * 1024,
}

/** What a room reads and writes; `commitUpdates` only when it has no batcher of its own. */
export type RoomStorage = Pick<AsyncStorage, 'loadRoomState' | 'saveSnapshot' | 'commitUpdates'>

/** Bytes of frames one socket may have waiting while the room cannot take them yet. */
export const DEFAULT_MAX_QUEUED_BYTES_PER_CONNECTION = 4 * 1024 * 1024

export interface SyncRoomOptions {
  roomId: string
  storage: RoomStorage
  logger: Logger
  snapshotEveryUpdates: number
  now?: () => number
  /**
   * Commit updates in batches shared by every room (one transaction per event-loop turn) and
   * broadcast each once it is stored. Without it, the room commits each frame's updates at once.
   */
  batcher?: UpdateBatcher
  /** A commit failed: memory no longer matches storage (the relay drops the room). */
  onStorageFailure?: (error: unknown) => void
  /**
   * A frame the room handled later (it arrived while the room waited for a commit) was refused:
   * the relay closes its sender, as for a frame refused at once.
   */
  onFrameError?: (conn: SyncConnection, error: unknown) => void
  /** Bytes of frames one connection may have waiting while the room waits for a commit. */
  maxQueuedBytesPerConnection?: number
  limits?: Partial<RoomLimits>
  /**
   * Runs the snapshots of the relay's rooms one per event-loop turn. Without it, a room writes
   * its snapshot a microtask after the commit that crossed the threshold.
   */
  snapshots?: SnapshotPacer
}

/** Whether the doc's state for each client stands at (or past) `ends`, and nothing is pending. */
function holdsAll(doc: Y.Doc, ends: ReadonlyMap<number, number>): boolean {
  if (doc.store.pendingStructs || doc.store.pendingDs) return false
  for (const [client, end] of ends) if (Y.getState(doc.store, client) < end) return false
  return true
}

/** Whether a transaction changed its doc, as Yjs decides before it emits `update`. */
function transactionChanged(transaction: Y.Transaction): boolean {
  if (transaction.deleteSet.clients.size > 0) return true
  for (const [client, clock] of transaction.afterState) if (transaction.beforeState.get(client) !== clock) return true
  return false
}

/**
 * One room's live Y.Doc and awareness. It is built from storage before any socket joins, so
 * the first sync step a client receives already reflects every stored shape. Every accepted
 * update is applied at once, appended to the room log by the relay's {@link UpdateBatcher} (one
 * commit per event-loop turn) and broadcast only after that commit.
 *
 * A room without board traffic for a while can sleep ({@link sleepIfIdle}): its doc is kept as
 * one encoded update (~1/10 of the live doc's memory), joins are answered from that, and the
 * next board update decodes it again.
 */
export class SyncRoom {
  readonly roomId: string
  readonly awareness: Awareness
  private liveDoc: Y.Doc | null
  /** The doc as one encoded update while the room sleeps. */
  private sleeping: Uint8Array | null = null
  private lastBoardActivity: number
  private storage: RoomStorage
  private logger: Logger
  private snapshotEvery: number
  private now: () => number
  private batcher: UpdateBatcher
  /** The room commits through a batcher of its own: each frame's updates at once. */
  private ownBatcher: boolean
  private onStorageFailure: (error: unknown) => void
  private onFrameError: (conn: SyncConnection, error: unknown) => void
  /** Frames that arrived while a sync request waits for a commit, handled in order after it. */
  private queued: FrameQueue<SyncConnection>
  /** A sync request is waiting for a commit; frames queue behind it. */
  private waiting = false
  private destroyed = false
  /** The snapshot being written, if any. */
  private snapshotting: Promise<void> | null = null
  private fanout: RoomFanoutHooks | null = null
  /** Awareness client ids of other relays' sockets: never claimable by a socket here. */
  private remoteClients = new Set<number>()
  private snapshotQueued = false
  private pacer: SnapshotPacer | null
  private connections = new Set<SyncConnection>()
  private awarenessOwners = new AwarenessOwnership<SyncConnection>()
  private refusedUpdates: LogThrottle
  /** Every update up to this seq is in the doc (the contiguous seq the room holds). */
  private lastSeq: number
  /** Seqs past a gap that the doc holds too. */
  private ahead = new Set<number>()
  private snapshotSeq: number
  /** Whether the doc's last transaction changed it: what Yjs's `update` event would have reported. */
  private lastTransactionChanged = false
  /**
   * While an update is applied as sent: where each of its clients' clocks must stand afterwards.
   * If the doc falls short of one (Yjs ignored or parked structs of it), Yjs's own encoding of
   * the change is captured instead, so nothing the doc does not hold is stored or sent.
   */
  private asSentEnds: ReadonlyMap<number, number> | null = null
  /** Yjs's encodings of the change being applied, when they are what is stored and sent. */
  private captured: Uint8Array[] | null = null
  private readonly capture = (change: Uint8Array) => {
    this.captured?.push(change)
  }
  private limits: RoomLimits
  private held: HeldUpdates<SyncConnection>
  private requestBudgets = new Map<SyncConnection, TokenBucket>()
  private awarenessBudgets = new Map<SyncConnection, TokenBucket>()
  /** Cache of {@link everyoneAwareness}; `undefined` when stale. */
  private everyoneFrame: Uint8Array | null | undefined = undefined
  /** Updates applied to the doc whose commit is still queued in the batcher. */
  private uncommitted = 0

  /** The room built from its stored snapshot and log; rejects with {@link RoomLoadError} if they do not apply. */
  static async load(options: SyncRoomOptions): Promise<SyncRoom> {
    return new SyncRoom(options, await options.storage.loadRoomState(options.roomId))
  }

  /** The room built from `stored` (what `storage.loadRoomState` returned); see {@link load}. */
  constructor(options: SyncRoomOptions, stored: StoredRoomState) {
    this.roomId = options.roomId
    this.storage = options.storage
    this.logger = options.logger
    this.refusedUpdates = new LogThrottle(options.logger, 'refused board update from read-only connection')
    this.snapshotEvery = options.snapshotEveryUpdates
    this.pacer = options.snapshots ?? null
    this.now = options.now ?? Date.now
    this.ownBatcher = !options.batcher
    this.batcher = options.batcher ?? new UpdateBatcher(options.storage)
    this.onStorageFailure = options.onStorageFailure ?? (() => {})
    this.onFrameError = options.onFrameError ?? ((conn) => conn.close(CloseCode.MalformedMessage, 'frame refused'))
    this.queued = new FrameQueue(options.maxQueuedBytesPerConnection ?? DEFAULT_MAX_QUEUED_BYTES_PER_CONNECTION)
    this.limits = { ...DEFAULT_ROOM_LIMITS, ...options.limits }
    this.held = new HeldUpdates(this.limits.maxPendingStructsPerConnection, this.limits.maxPendingStructsPerRoom)

    this.liveDoc = this.newDoc()
    this.loadStored(stored)
    this.lastSeq = stored.lastSeq
    this.snapshotSeq = stored.snapshotSeq
    this.lastBoardActivity = this.now()

    // Awareness gets a doc of its own (it only reads a client id from it), so the board's doc can
    // be freed while the room sleeps.
    this.awareness = new Awareness(new Y.Doc())
    this.awareness.setLocalState(null)
    this.awareness.on('update', this.onAwarenessUpdate)
  }

  /**
   * Apply the stored snapshot and log. Any failure (a corrupt row, data that overflows the stack)
   * is a {@link RoomLoadError} naming the entry; nothing is written back, so the history stays
   * on disk as it was for repair.
   */
  private newDoc(): Y.Doc {
    const doc = new Y.Doc({ gc: true })
    // No standing `update` listener: with one, Yjs encodes every transaction's change again
    // (loads, replays and remote updates included); `integrate` listens only when it needs that.
    doc.on('afterTransactionCleanup', (transaction: Y.Transaction) => {
      this.lastTransactionChanged = transactionChanged(transaction)
      // Yjs emits `update` after this, to listeners present then.
      if (this.asSentEnds && !holdsAll(doc, this.asSentEnds)) {
        this.captured = []
        doc.on('update', this.capture)
      }
    })
    return doc
  }

  /** The board's doc; a sleeping room wakes (decodes its state) to hand it out. */
  get doc(): Y.Doc {
    if (this.liveDoc) return this.liveDoc
    const doc = this.newDoc()
    Y.applyUpdate(doc, this.sleeping!)
    this.sleeping = null
    this.liveDoc = doc
    return doc
  }

  /** Whether the room holds its doc encoded rather than live. */
  get asleep(): boolean {
    return this.liveDoc === null
  }

  /**
   * Keep the doc as one encoded update if the board has been untouched for `idleMs` and nothing
   * is in flight (queued commits, held updates). Returns whether the room is now asleep.
   */
  sleepIfIdle(idleMs: number): boolean {
    if (!this.liveDoc) return true
    const busy = this.uncommitted > 0 || this.held.size > 0 || this.waiting || this.queued.size > 0
    if (this.now() - this.lastBoardActivity < idleMs || busy) return false
    this.sleeping = Y.encodeStateAsUpdate(this.liveDoc)
    this.liveDoc.destroy()
    this.liveDoc = null
    return true
  }

  private loadStored(stored: StoredRoomState): void {
    let at: number | 'snapshot' = 'snapshot'
    try {
      this.doc.transact(() => {
        if (stored.snapshot) Y.applyUpdate(this.doc, stored.snapshot)
        for (const [i, update] of stored.updates.entries()) {
          at = stored.snapshotSeq + i + 1
          Y.applyUpdate(this.doc, update)
        }
      })
    } catch (error) {
      this.doc.destroy()
      throw new RoomLoadError(`room ${this.roomId} could not be loaded at ${at}: ${(error as Error).message}`, at, {
        cause: error,
      })
    }
    // Rows written before budgets existed may leave structs with missing dependencies: keep
    // them out of memory, so they are neither served nor written into the next snapshot.
    if (this.dropPending()) this.logger.warn('dropped unresolved stored structs', { room: this.roomId })
  }

  /** Forget whatever Yjs parked as pending; true if there was anything. */
  private dropPending(): boolean {
    const store = this.doc.store
    if (!store.pendingStructs && !store.pendingDs) return false
    store.pendingStructs = null
    store.pendingDs = null
    return true
  }

  get size(): number {
    return this.connections.size
  }

  /** Updates appended since the last snapshot. */
  get unsnapshottedUpdates(): number {
    return this.lastSeq - this.snapshotSeq
  }

  join(conn: SyncConnection): void {
    this.connections.add(conn)
    this.awarenessOwners.join(conn)
    this.requestBudgets.set(conn, new TokenBucket(SYNC_REQUEST_BURST, SYNC_REQUEST_REFILL_MS, this.now))
    this.awarenessBudgets.set(conn, new TokenBucket(AWARENESS_BURST_BYTES, 1 / AWARENESS_BYTES_PER_MS, this.now))
    conn.send(this.sleeping ? encodeSyncStep1FromState(this.sleeping) : encodeSyncStep1(this.doc))
    const everyone = this.everyoneAwareness()
    if (everyone) conn.send(everyone)
  }

  /**
   * Every awareness state in one frame, encoded once per change however many sockets join or
   * ask (each state can be tens of KB, and a room's worth of them is sent whole).
   */
  private everyoneAwareness(): Uint8Array | null {
    if (this.everyoneFrame === undefined) {
      const ids = [...this.awareness.getStates().keys()]
      // A copy of its own: the frame is kept, and a slice of Node's buffer pool would keep its whole slab.
      this.everyoneFrame = ids.length
        ? new Uint8Array(encodeAwareness(encodeAwarenessUpdate(this.awareness, ids)))
        : null
    }
    return this.everyoneFrame
  }

  leave(conn: SyncConnection): void {
    if (!this.connections.delete(conn)) return
    this.held.release(conn)
    this.queued.drop(conn)
    this.requestBudgets.delete(conn)
    this.awarenessBudgets.delete(conn)
    const ids = this.awarenessOwners.leave(conn)
    if (ids.length) removeAwarenessStates(this.awareness, ids, 'left')
    this.forgetStaleAwarenessClocks()
  }

  /**
   * y-protocols keeps a clock for every client id it ever saw, state or not; a room whose sockets
   * come and go would hold one per id for its lifetime. Keep only those of a live state or of an
   * id someone still owns (bounded by AwarenessOwnership).
   */
  private forgetStaleAwarenessClocks(): void {
    const { meta, states } = this.awareness
    for (const id of meta.keys()) {
      if (!states.has(id) && this.awarenessOwners.ownerOf(id) === undefined) meta.delete(id)
    }
  }

  /**
   * Handle one frame from `conn`. Throws MalformedMessageError for a bad frame (nothing in
   * the room changes) and RoomStateError if applying a well-formed update failed midway.
   */
  receive(conn: SyncConnection, frame: Uint8Array): void {
    if (!this.connections.has(conn)) return
    if (this.waiting) {
      this.queued.push(conn, frame)
      return
    }
    this.handle(conn, frame)
  }

  private handle(conn: SyncConnection, frame: Uint8Array): void {
    const message = parseClientMessage(frame)
    switch (message.type) {
      case 'sync-step1':
        this.spendRequest(conn)
        // Serve committed state only: an update still queued for commit would otherwise reach
        // this client before it is stored, and a crash would leave the client with data the
        // room has lost. So the answer waits for the commit, and every frame arriving meanwhile
        // waits behind it (with the embedded SQLite, that is one microtask).
        if (this.uncommitted > 0) this.answerAfterCommit(conn, message.stateVector)
        else this.answerSyncStep1(conn, message.stateVector)
        return
      case 'update':
        // An empty update (a peer with nothing new answering our step 1) changes nothing: a
        // sleeping room stays asleep.
        if (this.sleeping && isEmptyUpdate(message.decoded)) return
        this.lastBoardActivity = this.now()
        this.applyClientUpdate(conn, message.update, message.decoded)
        return
      case 'awareness':
        this.applyClientAwareness(conn, message.update)
        return
      case 'query-awareness': {
        this.spendRequest(conn)
        conn.send(this.everyoneAwareness() ?? encodeAwareness(encodeAwarenessUpdate(this.awareness, [])))
        return
      }
      case 'auth':
        return
    }
  }

  private answerSyncStep1(conn: SyncConnection, stateVector: Uint8Array): void {
    conn.send(
      this.sleeping ? encodeSyncStep2FromState(this.sleeping, stateVector) : encodeSyncStep2(this.doc, stateVector)
    )
  }

  private answerAfterCommit(conn: SyncConnection, stateVector: Uint8Array): void {
    this.waiting = true
    void this.batcher.flush().then(() => {
      this.waiting = false
      // The commit failed and the room was dropped, or the asker left meanwhile.
      if (this.destroyed) return
      try {
        if (this.connections.has(conn)) {
          if (this.uncommitted > 0) {
            this.answerAfterCommit(conn, stateVector)
            return
          }
          this.answerSyncStep1(conn, stateVector)
        }
      } catch (error) {
        this.onFrameError(conn, error)
      }
      this.handleQueued()
    })
  }

  /** Handle the frames that waited, in arrival order, until one has to wait again. */
  private handleQueued(): void {
    while (!this.waiting && !this.destroyed) {
      const next = this.queued.shift()
      if (!next) return
      if (!this.connections.has(next.conn)) continue
      try {
        this.handle(next.conn, next.frame)
      } catch (error) {
        this.onFrameError(next.conn, error)
      }
    }
  }

  /**
   * Resolves once every update the room has applied so far is committed and broadcast (tests,
   * and the relay before it snapshots).
   */
  async committed(): Promise<void> {
    while (this.uncommitted > 0 && !this.destroyed) await this.batcher.flush()
  }

  private spendRequest(conn: SyncConnection): void {
    if (this.requestBudgets.get(conn)?.take() === false) {
      throw new RateLimitedError(
        `more than ${SYNC_REQUEST_BURST} sync or awareness requests, then one per ${SYNC_REQUEST_REFILL_MS} ms`
      )
    }
  }

  /**
   * Write a snapshot if anything was appended since the last one. It is labelled with the
   * contiguous seq the room holds: every update up to it is in the doc (the doc may hold more).
   */
  async snapshot(): Promise<void> {
    while (this.snapshotting) await this.snapshotting
    if (this.destroyed || this.lastSeq <= this.snapshotSeq) return
    const seq = this.lastSeq
    const state = this.sleeping ?? Y.encodeStateAsUpdate(this.doc)
    const writing = this.storage.saveSnapshot(this.roomId, seq, state, this.now()).then(() => {
      this.snapshotSeq = Math.max(this.snapshotSeq, seq)
    })
    this.snapshotting = writing.finally(() => (this.snapshotting = null)).catch(() => {})
    await writing
  }

  /** Close every socket without freeing the doc; they reconnect on their own and authenticate afresh. */
  closeConnections(code: number, reason: string): void {
    for (const conn of [...this.connections]) {
      this.leave(conn)
      conn.close(code, reason)
    }
  }

  /** Close every socket (they reconnect on their own) and free the doc. */
  destroy(code: number, reason: string): void {
    this.destroyed = true
    for (const conn of [...this.connections]) {
      this.leave(conn)
      conn.close(code, reason)
    }
    this.awareness.destroy()
    this.awareness.doc.destroy()
    this.liveDoc?.destroy()
    this.liveDoc = null
    this.sleeping = null
  }

  /**
   * Budget, then apply, an update. Over a budget it throws {@link BudgetExceededError} with the
   * doc untouched. An update whose dependencies are missing is held (within the pending budgets)
   * until they arrive; it is neither stored nor sent to anyone meanwhile.
   */
  private applyClientUpdate(
    conn: SyncConnection,
    update: Uint8Array,
    decoded: ReturnType<typeof Y.decodeUpdate>
  ): void {
    if (!canEditBoard(conn.role)) {
      // A read-only peer answers our sync step 1 with an empty step 2; only real changes are refused.
      if (!isEmptyUpdate(decoded)) {
        // At most one log line per connection per interval (with a count): a flood cannot fill the disk.
        this.refusedUpdates.refused(conn, { room: this.roomId, role: conn.role })
        conn.send(encodePermissionDenied(`the ${conn.role} cannot change the board`))
      }
      return
    }
    const check = checkUpdate(this.doc, decoded, this.limits)
    if (check.missingDependencies) {
      this.held.hold({ conn, update, decoded, structs: Math.max(1, check.structs) })
      return
    }
    this.integrate(conn, update, check)
    this.releaseResolved()
  }

  /** Apply every held update whose dependencies have now arrived. */
  private releaseResolved(): void {
    const resolved = (entry: { decoded: ReturnType<typeof Y.decodeUpdate> }) => {
      try {
        return !checkUpdate(this.doc, entry.decoded, this.limits).missingDependencies
      } catch {
        return false
      }
    }
    this.held.drain(resolved, (entry) => {
      try {
        // Checked before the held updates released with it were applied: not known to be only new.
        this.integrate(entry.conn, entry.update, null)
      } catch (error) {
        if (!(error instanceof MalformedMessageError)) throw error
        // The doc is untouched; only that sender's frame was bad.
        entry.conn.close(CloseCode.MalformedMessage, `malformed message: ${error.message}`)
      }
    })
  }

  /**
   * Apply `update` and store and send what it changed. When the check found it `onlyNew` (and the
   * doc holds nothing pending that it could release), the update as sent is that change; otherwise
   * Yjs encodes the change (the part of a resent or overlapping update the doc did not have).
   */
  private integrate(conn: SyncConnection, update: Uint8Array, check: UpdateCheck | null): void {
    const doc = this.doc
    const { pendingStructs, pendingDs } = doc.store
    const asSent = check?.onlyNew === true && !pendingStructs && !pendingDs
    this.captured = asSent ? null : []
    this.asSentEnds = asSent ? check.ends : null
    if (!asSent) doc.on('update', this.capture)
    this.lastTransactionChanged = false
    // Yjs ignores bytes after an update's deletions: what it read is what may be stored and sent.
    const decoder = decoding.createDecoder(update)
    let effective: Uint8Array[] | null
    try {
      Y.readUpdate(decoder, doc, conn)
    } catch (error) {
      const message = (error as Error).message
      // Nothing integrated and nothing parked as pending: the doc is as it was, so only the
      // sender's frame was bad. Otherwise memory no longer matches storage.
      const untouched =
        !this.lastTransactionChanged && doc.store.pendingStructs === pendingStructs && doc.store.pendingDs === pendingDs
      if (untouched) throw new MalformedMessageError(`update could not be applied: ${message}`)
      throw new RoomStateError(`update failed to apply: ${message}`)
    } finally {
      doc.off('update', this.capture)
      effective = this.captured
      this.captured = null
      this.asSentEnds = null
    }
    // The dependency check should have held anything Yjs would park; if Yjs parked something
    // anyway, it must not reach a joiner's sync step 2 or a snapshot.
    const parked = this.dropPending()
    let persisted = false
    if (effective) {
      for (const change of effective) {
        // A failed commit can drop the room (and close its sockets) inside persist.
        if (this.destroyed) return
        this.persist(change, conn)
        persisted = true
      }
    } else if (this.lastTransactionChanged && !this.destroyed) {
      this.persist(decoder.pos === update.length ? update : update.subarray(0, decoder.pos), conn)
      persisted = true
    }
    if (this.ownBatcher && persisted) void this.batcher.flush()
    if (parked) throw new BudgetExceededError('update left structs with unresolved dependencies')
  }

  /** Commit `update` (storage gives it its seq), then send it to everyone but its sender. */
  private persist(update: Uint8Array, sender: SyncConnection): void {
    this.uncommitted++
    // The seq it should get, for the log line if it fails (storage allocates the real one).
    const expected = this.lastSeq + this.ahead.size + this.uncommitted
    this.batcher.append(
      this.roomId,
      { ts: this.now(), author: sender.role, update },
      (seq) => {
        this.uncommitted--
        this.holdsSeq(seq)
        const out = encodeUpdate(update)
        for (const other of this.connections) if (other !== sender) other.send(out)
        this.fanout?.committed(seq, update)
        if (this.lastSeq - this.snapshotSeq >= this.snapshotEvery) this.snapshotSoon()
      },
      (error) => {
        this.uncommitted--
        this.onStorageFailure(new RoomStateError(`could not store update ${expected}: ${(error as Error).message}`))
      }
    )
  }

  /** The doc now holds update `seq` (committed here, or taken from another relay). */
  private holdsSeq(seq: number): void {
    if (seq === this.lastSeq + 1) {
      this.lastSeq = seq
      while (this.ahead.delete(this.lastSeq + 1)) this.lastSeq++
    } else if (seq > this.lastSeq) {
      // Another relay committed the seqs in between; until the doc has them, the room's
      // contiguous seq (what a snapshot may claim) stays where it is.
      this.ahead.add(seq)
    }
  }

  /**
   * Snapshot once the rest of this commit's updates are reported too: in a turn of its own when
   * the relay paces its rooms' snapshots, else a microtask later; either way one snapshot covers
   * the whole batch. The doc may hold updates still being committed: the
   * snapshot is labelled with the contiguous committed seq, and replaying the log past it over
   * them changes nothing. A failed snapshot loses nothing (the log is complete).
   */
  private snapshotSoon(): void {
    if (this.snapshotQueued || this.snapshotting) return
    this.snapshotQueued = true
    if (this.pacer) this.pacer.request(this.thresholdSnapshot)
    else queueMicrotask(() => void this.thresholdSnapshot())
  }

  private readonly thresholdSnapshot = (): Promise<void> => {
    this.snapshotQueued = false
    return this.snapshot().then(
      // Updates committed while it was written may have crossed the threshold again.
      () => {
        if (!this.destroyed && this.lastSeq - this.snapshotSeq >= this.snapshotEvery) this.snapshotSoon()
      },
      (error: unknown) =>
        this.logger.warn('could not write a snapshot; the log is complete', { room: this.roomId, error })
    )
  }

  private applyClientAwareness(conn: SyncConnection, update: Uint8Array): void {
    const participantId = conn.participantId ?? `connection-${conn.id}`
    const accepted = decodeAwarenessUpdate(update, {
      maxStateBytes: this.limits.maxAwarenessStateBytes,
      maxDepth: this.limits.maxDepth,
    }).filter(
      (entry) =>
        this.mayClaim(entry.clientId, participantId) &&
        this.awarenessOwners.accept(conn, participantId, entry, this.awareness.meta.get(entry.clientId)?.clock ?? -1)
    )
    if (!accepted.length) return
    // The role and participant id in a peer's awareness are the ones the server issued, whatever it claimed.
    const vouched = accepted.map((e) => (e.state ? { ...e, state: vouch(e.state, conn.role, participantId) } : e))
    const encoded = encodeAwarenessEntries(vouched)
    // Charged for what it makes the room relay: its own states. A stock y-websocket client echoes
    // every awareness change it receives, others' included; those echoes are dropped above and
    // must not count, or one flooder would get every peer in the room closed for its traffic.
    if (this.awarenessBudgets.get(conn)?.take(encoded.byteLength) === false) {
      throw new RateLimitedError(
        `more than ${AWARENESS_BURST_BYTES} bytes of awareness at once, then ${AWARENESS_BYTES_PER_MS * 1000} a second`
      )
    }
    applyAwarenessUpdate(this.awareness, encoded, conn)
  }

  private onAwarenessUpdate = (change: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
    const ids = [...change.added, ...change.updated, ...change.removed]
    if (ids.length) this.everyoneFrame = undefined
    if (!ids.length) return
    // Other relays hear of this relay's own sockets' changes only (never an echo of theirs).
    const own = origin === REMOTE_ORIGIN ? [] : ids.filter((id) => !this.remoteClients.has(id))
    if (own.length && this.fanout) this.fanout.awareness(encodeAwarenessUpdate(this.awareness, own))
    if (!this.connections.size) return
    const out = encodeAwareness(encodeAwarenessUpdate(this.awareness, ids))
    for (const conn of this.connections) conn.send(out)
  }

  /** Tell `hooks` of every commit and awareness change from now on (several relays). */
  setFanout(hooks: RoomFanoutHooks | null): void {
    this.fanout = hooks
  }

  /** The contiguous seq the doc holds: every update up to it is in the doc. */
  get heldSeq(): number {
    return this.lastSeq
  }

  /** Whether the doc holds updates past a seq it lacks (another relay's, not yet arrived). */
  get hasGap(): boolean {
    return this.ahead.size > 0
  }

  /** Whether the doc holds update `seq`. */
  holds(seq: number): boolean {
    return seq <= this.lastSeq || this.ahead.has(seq)
  }

  /**
   * An update another relay committed as `seq`, applied and sent to every socket here. The
   * caller applies them in seq order (`RoomFanout`), so every dependency is already in the doc.
   */
  applyRemoteUpdate(seq: number, update: Uint8Array): void {
    if (this.destroyed || this.holds(seq)) return
    Y.applyUpdate(this.doc, update, REMOTE_ORIGIN)
    this.holdsSeq(seq)
    this.lastBoardActivity = this.now()
    const out = encodeUpdate(update)
    for (const conn of this.connections) conn.send(out)
    if (!this.held.size) return
    // A socket's update held for a missing dependency may have just got it.
    try {
      this.releaseResolved()
    } catch (error) {
      this.onStorageFailure(error)
    }
  }

  /** Awareness another relay's sockets changed (`entries`: its client ids, and whether each left). */
  applyRemoteAwareness(update: Uint8Array, entries: ReadonlyArray<{ clientId: number; state: unknown }>): void {
    if (this.destroyed || !entries.length) return
    for (const { clientId } of entries) this.remoteClients.add(clientId)
    applyAwarenessUpdate(this.awareness, update, REMOTE_ORIGIN)
    // A client that left there may come back here: its id is free again.
    for (const { clientId, state } of entries) if (state === null) this.remoteClients.delete(clientId)
  }

  /** Forget the awareness of another relay's sockets (that relay went silent). */
  removeRemoteClients(ids: number[]): void {
    if (this.destroyed) return
    // Ids a socket here has taken over since are its own now.
    const remote = ids.filter((id) => this.remoteClients.delete(id))
    const present = remote.filter((id) => this.awareness.getStates().has(id))
    if (present.length) removeAwarenessStates(this.awareness, present, REMOTE_ORIGIN)
  }

  /**
   * May a socket of `participantId` use awareness id `clientId`? Not while another relay's socket
   * holds it — unless that is the same participant, arriving here from that relay (the other
   * relay vouched for its participant id in the state).
   */
  private mayClaim(clientId: number, participantId: string): boolean {
    if (!this.remoteClients.has(clientId)) return true
    const user = this.awareness.getStates().get(clientId)?.user as { userId?: unknown } | undefined
    if (user?.userId !== participantId) return false
    this.remoteClients.delete(clientId)
    return true
  }
}

/** A CSS hex colour (`#rgb`, `#rrggbb`, with or without alpha): nothing else can ride into a style. */
const CSS_HEX_COLOR = /^#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/

const hexColorOrNothing = (value: unknown): string | undefined =>
  typeof value === 'string' && CSS_HEX_COLOR.test(value) ? value : undefined

/**
 * An awareness state with the role and participant id the server vouches for. The user's colours
 * are kept only when they are plain hex colours: the shared-notes editor writes them into a
 * `style` attribute unescaped, so anything else could inject CSS into every peer's page.
 */
function vouch(state: Record<string, unknown>, role: Role, participantId: string): Record<string, unknown> {
  const user = state.user
  const vouchedUser =
    user !== null && typeof user === 'object' && !Array.isArray(user)
      ? {
          ...user,
          userId: participantId,
          color: hexColorOrNothing((user as Record<string, unknown>).color),
          colorLight: hexColorOrNothing((user as Record<string, unknown>).colorLight),
        }
      : user
  return { ...state, role, ...(user === undefined ? {} : { user: vouchedUser }) }
}
