import type { Role } from '@loopboard/protocol'
import { performance } from 'node:perf_hooks'
import type { JournalMetrics } from '../metrics/Metrics.ts'
import type { SqliteStorage } from './SqliteStorage.ts'
import type { NewUpdate, RoomRow, Storage, StoredRoomState, StoredUpdate } from './Storage.ts'
import type { JournalMover, JournalSpan } from './JournalMover.ts'
import { UpdateJournal, type JournalRecord } from './UpdateJournal.ts'

/** The journal file's name inside DATA_DIR, next to the database. */
export const JOURNAL_FILE = 'loopboard.journal'

export interface JournaledStorageOptions {
  /** Journal records move into SQLite at most this long after they are written. */
  flushMs: number
  /** Journaled but not yet in SQLite: at this many updates they move at the end of the turn. */
  flushAtUpdates?: number
  /**
   * A background move takes at most this many updates per event-loop turn, so frames arriving
   * meanwhile are not held up behind one long transaction; the journal is emptied with the last.
   */
  flushChunk?: number
  /**
   * Refuse new updates (commitUpdates throws) while this many journal bytes wait for SQLite:
   * reached only when SQLite keeps failing, and then the journal must not grow without end.
   */
  maxPendingBytes?: number
  /** A background move into SQLite failed; it is retried at the next interval. */
  onFlushError?: (error: unknown) => void
  /** Told how long each move into SQLite took, and of each that failed. */
  metrics?: JournalMetrics
  /**
   * Background moves go to this worker thread instead of running on the event loop: it is sent
   * spans of the journal file and reads them itself. Without it, or once it has failed, they run
   * here in chunks. Its owner stops it after {@link close} (a late answer is ignored then).
   */
  mover?: Pick<JournalMover, 'move' | 'broken' | 'stop'>
  /**
   * With a mover: the journal is emptied whenever the worker answers with nothing left waiting.
   * Under steady load something always is; once the journal holds this many bytes, what arrived
   * during a move goes to the worker at once rather than after `flushMs`, until at most
   * {@link STORE_HERE_AT_MOST} rows are left, which are stored here, so the journal empties under
   * steady load too (a restart reads all of it).
   */
  emptyJournalAtBytes?: number
}

const DEFAULT_FLUSH_AT_UPDATES = 2_000
/** ~7 µs an update in SQLite: a chunk holds the event loop well under a millisecond. */
const DEFAULT_FLUSH_CHUNK = 32
const DEFAULT_MAX_PENDING_BYTES = 64 * 1024 * 1024
const DEFAULT_EMPTY_JOURNAL_AT_BYTES = 8 * 1024 * 1024
/**
 * A room's read scans what waits in the journal (~150 KB at 100 rooms x 30 Hz); past this, moves
 * are failing or far behind, and a read stores it all first (or fails, as SQLite does) instead.
 */
const READ_JOURNAL_AT_MOST_BYTES = 1024 * 1024
/**
 * Emptying a full journal under load: this many rows left are stored on the event loop. Each costs
 * it 50-200 µs there (its room's pages, which the worker's writes took out of this connection's
 * cache): storing all that was left at the answer (35 rows) held it 2.6 ms, the 6 left after one
 * more move 1.1 ms.
 */
export const STORE_HERE_AT_MOST = 8
/** ...and after this many moves in a row without getting there, whatever is left is. */
export const CATCH_UP_MOVES_AT_MOST = 8

/**
 * The embedded storage the relay writes through: `commitUpdates` numbers each update with its
 * room's next seq and makes it durable with one append to the {@link UpdateJournal}, then the
 * journal's records move into SQLite every `flushMs`, a chunk per event-loop turn (all at once
 * when `flushAtUpdates` wait), or from the `mover`'s worker thread. Waiting records are not kept
 * in memory: they are read back from the journal when they move, so the garbage collector never
 * carries them. A read of one room's log (loading the room, its updates, their time span) adds
 * that room's waiting records, read from the journal, to what SQLite holds (past
 * {@link READ_JOURNAL_AT_MOST_BYTES} waiting, it moves them all first); a deletion, the
 * inactivity sweep and an explicit append move them all first. Either way callers see exactly
 * what a plain {@link SqliteStorage} would show them, and a room loading under load does not
 * wait for everyone's records to move. A snapshot does not wait (it may name seqs only the
 * journal holds).
 *
 * Seqs are numbered here, from each room's highest stored seq or snapshot seq: the process that
 * opened the database file is its only writer (the embedded setup, held by `DataDirLock`). At
 * open, records a crash left in the journal are stored before anything else runs. Moves skip
 * rows already stored and rows of rooms deleted meanwhile, so one odd row never wedges them.
 */
export class JournaledStorage implements Storage {
  private sqlite: SqliteStorage
  private journal: UpdateJournal
  private options: Required<
    Pick<
      JournaledStorageOptions,
      'flushMs' | 'flushAtUpdates' | 'flushChunk' | 'maxPendingBytes' | 'emptyJournalAtBytes'
    >
  > &
    Pick<JournaledStorageOptions, 'onFlushError' | 'metrics' | 'mover'>
  /** Each room's last seq handed out (a room is here once it has been committed to). */
  private lastSeqs = new Map<string, number>()
  /** Where in the journal the records not yet in SQLite start (they run to its end)... */
  private pendingFrom = 0
  /** ...and how many they are. */
  private pendingCount = 0
  private timer: NodeJS.Timeout | null = null
  private immediate: NodeJS.Immediate | null = null
  /** A span of the journal is with the mover (the oldest pending rows): it must not be cleared. */
  private moving = false
  /** Bumped by every move made here, so the answer of a batch stored meanwhile is ignored. */
  private generation = 0
  /** Moves sent in a row to empty a full journal (see `emptyJournalAtBytes`). */
  private catchUpMoves = 0
  private closed = false
  /** Updates taken back from the journal when it was opened. */
  readonly recovered: number
  /** Bytes at the journal's end that were no whole record (a write cut short), dropped at open. */
  readonly discardedJournalBytes: number

  constructor(sqlite: SqliteStorage, journalFile: string, options: JournaledStorageOptions) {
    this.sqlite = sqlite
    this.options = {
      flushAtUpdates: DEFAULT_FLUSH_AT_UPDATES,
      flushChunk: DEFAULT_FLUSH_CHUNK,
      maxPendingBytes: DEFAULT_MAX_PENDING_BYTES,
      emptyJournalAtBytes: DEFAULT_EMPTY_JOURNAL_AT_BYTES,
      ...options,
    }
    const { journal, recovered, discardedBytes } = UpdateJournal.open(journalFile)
    this.discardedJournalBytes = discardedBytes
    this.journal = journal
    try {
      this.recovered = recovered.length ? sqlite.insertJournaled(recovered) : 0
      if (journal.bytes > 0) journal.clear()
    } catch (error) {
      journal.close()
      throw error
    }
  }

  /** Updates journaled and not yet in SQLite. */
  get unflushed(): number {
    return this.pendingCount
  }

  /** Journal bytes not yet in SQLite. */
  private get pendingBytes(): number {
    return this.journal.bytes - this.pendingFrom
  }

  commitUpdates(batch: ReadonlyArray<{ roomId: string; update: NewUpdate }>): number[] {
    if (!batch.length) return []
    if (this.closed) throw new Error('storage is closed')
    if (this.pendingBytes > this.options.maxPendingBytes) {
      // SQLite has refused the earlier ones; try once more before refusing these.
      this.flush()
    }
    // Number the whole batch before anything is written: all of it is stored, or none.
    const next = new Map<string, number>()
    const records: JournalRecord[] = batch.map(({ roomId, update }) => {
      const seq = (next.get(roomId) ?? this.lastSeqOf(roomId)) + 1
      next.set(roomId, seq)
      return { roomId, seq, ...update }
    })
    this.journal.append(records)
    for (const [roomId, seq] of next) this.lastSeqs.set(roomId, seq)
    this.pendingCount += records.length
    this.scheduleFlush()
    return records.map((r) => r.seq)
  }

  /** Move every journaled update into SQLite now (one transaction), then empty the journal. */
  flush(): void {
    this.cancelFlush()
    this.generation++
    this.store(this.pendingCount)
  }

  /**
   * Move the oldest `count` journaled updates into SQLite in one transaction (read back from the
   * journal); once none is left, empty the journal. On failure they stay pending (and journaled)
   * and a retry is scheduled.
   */
  private store(count: number): void {
    if (!count) return this.clearJournalIfStored()
    const started = performance.now()
    let end: number
    try {
      const read = this.journal.read(this.pendingFrom, this.journal.bytes, count)
      if (read.records.length < count)
        throw new Error(`the journal holds ${read.records.length} of ${count} records to store`)
      this.sqlite.insertJournaled(read.records)
      end = read.end
    } catch (error) {
      this.options.metrics?.journalFlushFailed()
      this.cancelFlush()
      if (!this.closed) this.timer = setTimeout(() => this.flushInBackground(), this.options.flushMs).unref()
      throw error
    }
    this.options.metrics?.journalFlushed((performance.now() - started) / 1000)
    this.pendingFrom = end
    this.pendingCount -= count
    this.clearJournalIfStored()
  }

  /** Empty the journal once all of it is in SQLite, unless the worker is reading a span of it. */
  private clearJournalIfStored(): void {
    if (this.pendingCount || this.journal.bytes === 0 || (this.moving && !this.closed)) return
    try {
      this.journal.clear()
      this.pendingFrom = 0
    } catch (error) {
      // Everything is stored; a journal left full is stored again at the next open, and skipped.
      this.options.onFlushError?.(error)
    }
  }

  private lastSeqOf(roomId: string): number {
    const known = this.lastSeqs.get(roomId)
    if (known !== undefined) return known
    const stored = this.sqlite.lastSeqOf(roomId)
    if (stored === null) throw new Error(`no room ${roomId}`)
    return stored
  }

  private scheduleFlush(): void {
    if (this.pendingCount >= this.options.flushAtUpdates) {
      this.immediate ??= setImmediate(() => this.flushInBackground())
    } else {
      this.timer ??= setTimeout(() => this.flushInBackground(), this.options.flushMs).unref()
    }
  }

  private cancelFlush(): void {
    if (this.timer) clearTimeout(this.timer)
    if (this.immediate) clearImmediate(this.immediate)
    this.timer = null
    this.immediate = null
  }

  /**
   * One chunk per event-loop turn until the last, which takes whatever arrived meanwhile too; a
   * backlog of `flushAtUpdates` or more (a flood outrunning the chunks) goes all at once.
   */
  private flushInBackground(): void {
    this.cancelFlush()
    const mover = this.options.mover
    if (mover && !mover.broken) return this.moveOffThread(mover)
    try {
      if (this.pendingCount > this.options.flushChunk && this.pendingCount < this.options.flushAtUpdates) {
        this.store(this.options.flushChunk)
        this.immediate = setImmediate(() => this.flushInBackground())
      } else {
        this.store(this.pendingCount)
      }
    } catch (error) {
      this.options.onFlushError?.(error)
    }
  }

  /**
   * Hand the journal's span of every pending row to the worker. When it has stored them, what
   * arrived meanwhile waits for the next move, unless the journal has grown past
   * `emptyJournalAtBytes`: then it is stored here and the journal emptied. A move made here in
   * between (a read) has stored them already: its answer is only a cue to go on.
   */
  private moveOffThread(mover: NonNullable<JournaledStorageOptions['mover']>): void {
    if (this.moving || !this.pendingCount) return
    // Commits go on appending after the span meanwhile; the journal is not cleared until the answer.
    const span: JournalSpan = { from: this.pendingFrom, to: this.journal.bytes, count: this.pendingCount }
    const generation = this.generation
    const started = performance.now()
    this.moving = true
    const afterStoredHere = () => (this.pendingCount ? this.scheduleFlush() : this.clearJournalIfStored())
    mover.move(span).then(
      () => {
        this.moving = false
        if (this.closed) return
        if (generation !== this.generation) return afterStoredHere()
        this.options.metrics?.journalFlushed((performance.now() - started) / 1000)
        this.pendingFrom = span.to
        this.pendingCount -= span.count
        // Under steady load the worker could always find more waiting; the journal must still
        // empty now and then (a restart reads all of it), so past a size what arrived during the
        // move goes to the worker at once, until only a few rows are left to store here.
        if (this.pendingCount && this.journal.bytes < this.options.emptyJournalAtBytes) {
          this.catchUpMoves = 0
          return this.scheduleFlush()
        }
        if (this.pendingCount > STORE_HERE_AT_MOST && this.catchUpMoves < CATCH_UP_MOVES_AT_MOST) {
          this.catchUpMoves++
          return this.flushInBackground()
        }
        this.catchUpMoves = 0
        try {
          this.store(this.pendingCount)
        } catch (error) {
          this.options.onFlushError?.(error)
        }
      },
      (error: unknown) => {
        this.moving = false
        if (this.closed) return
        this.options.metrics?.journalFlushFailed()
        this.options.onFlushError?.(error)
        if (generation === this.generation) {
          this.cancelFlush()
          this.timer = setTimeout(() => this.flushInBackground(), this.options.flushMs).unref()
        } else {
          afterStoredHere()
        }
      }
    )
  }

  // Rooms and tokens: no board log involved.
  createRoom(room: RoomRow, tokenHashes: Record<Role, string>): void {
    this.sqlite.createRoom(room, tokenHashes)
  }
  getRoom(roomId: string): RoomRow | null {
    return this.sqlite.getRoom(roomId)
  }
  findSeat(roomId: string, tokenHash: string): Role | null {
    return this.sqlite.findSeat(roomId, tokenHash)
  }
  replaceTokenHash(roomId: string, seat: Role, tokenHash: string): void {
    this.sqlite.replaceTokenHash(roomId, seat, tokenHash)
  }
  findByTokenHash(tokenHash: string): { roomId: string; seat: Role } | null {
    return this.sqlite.findByTokenHash(tokenHash)
  }
  setRolesSwapped(roomId: string, swapped: boolean): void {
    this.sqlite.setRolesSwapped(roomId, swapped)
  }
  ping(): void {
    this.sqlite.ping()
  }

  // The board log: journaled updates go into SQLite first.
  deleteRoom(roomId: string): boolean {
    this.flush()
    this.lastSeqs.delete(roomId)
    return this.sqlite.deleteRoom(roomId)
  }
  roomsInactiveSince(before: number): string[] {
    this.flush()
    return this.sqlite.roomsInactiveSince(before)
  }
  appendUpdate(roomId: string, update: StoredUpdate): void {
    this.flush()
    this.lastSeqs.delete(roomId)
    this.sqlite.appendUpdate(roomId, update)
  }
  appendUpdates(batch: ReadonlyArray<{ roomId: string; update: StoredUpdate }>): void {
    this.flush()
    for (const { roomId } of batch) this.lastSeqs.delete(roomId)
    this.sqlite.appendUpdates(batch)
  }
  loadRoomState(roomId: string): StoredRoomState {
    this.storeBacklog()
    const stored = this.sqlite.loadRoomState(roomId)
    const journaled = this.journaledAfter(roomId, stored.lastSeq)
    if (!journaled.length) return stored
    // The snapshot may cover some of them (it does not wait for the journal).
    const after = journaled.filter((r) => r.seq > stored.snapshotSeq)
    return {
      ...stored,
      updates: after.length ? [...stored.updates, ...after.map((r) => r.update)] : stored.updates,
      lastSeq: journaled[journaled.length - 1]!.seq,
    }
  }
  /**
   * Not waiting for the journal: a snapshot may name a seq whose update is still only journaled
   * (a crash then stores it at the next open, before any load), and every read of the log sees
   * the journal too. A full move here would hold up the room's frames for milliseconds.
   */
  saveSnapshot(roomId: string, uptoSeq: number, state: Uint8Array, ts: number): void {
    this.sqlite.saveSnapshot(roomId, uptoSeq, state, ts)
  }
  readUpdates(roomId: string, afterSeq = 0): StoredUpdate[] {
    this.storeBacklog()
    const stored = this.sqlite.readUpdates(roomId, afterSeq)
    const journaled = this.journaledAfter(roomId, stored.length ? stored[stored.length - 1]!.seq : afterSeq)
    if (!journaled.length) return stored
    return [...stored, ...journaled.map(({ seq, ts, author, update }) => ({ seq, ts, author, update }))]
  }
  updateSpan(roomId: string): { first: number | null; last: number | null } {
    this.storeBacklog()
    let { first, last } = this.sqlite.updateSpan(roomId)
    for (const { ts } of this.journaledAfter(roomId, 0)) {
      first = first === null ? ts : Math.min(first, ts)
      last = last === null ? ts : Math.max(last, ts)
    }
    return { first, last }
  }

  /** Before a room's read: a backlog too large to scan for each read is stored (or refused) now. */
  private storeBacklog(): void {
    if (this.pendingBytes > READ_JOURNAL_AT_MOST_BYTES) this.flush()
  }

  /**
   * The room's records still waiting in the journal with seqs after `afterSeq`, read after SQLite
   * (whose read of the room is one transaction): a move's rows are in the journal until its
   * answer, so a row the worker stored meanwhile is in one or both, never in neither. SQLite holds
   * a prefix of each room's seqs (moves go in journal order), so what it showed and the snapshot
   * cover everything up to `afterSeq`.
   */
  private journaledAfter(roomId: string, afterSeq: number): JournalRecord[] {
    if (!this.pendingCount) return []
    const records = this.journal.readRoom(this.pendingFrom, this.journal.bytes, roomId)
    return records.filter((r) => r.seq > afterSeq)
  }

  /**
   * Move what is journaled into SQLite and close both. If SQLite refuses, the journal keeps the
   * records and the next open stores them.
   */
  close(): void {
    if (this.closed) return
    this.closed = true
    try {
      this.flush()
    } finally {
      this.cancelFlush()
      this.journal.close()
      this.sqlite.close()
    }
  }
}
