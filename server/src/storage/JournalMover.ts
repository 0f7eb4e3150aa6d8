import { Worker } from 'node:worker_threads'

/** Records of the journal file to store: bytes [from, to), `count` whole records. */
export interface JournalSpan {
  from: number
  to: number
  count: number
}
/** A batch for the worker: it reads the span from the journal file itself. */
export interface MoveRequest extends JournalSpan {
  id: number
}
export type MoveReply = { id: number; ok: true } | { id: number; ok: false; message: string }

/**
 * Rows per transaction in the worker. A transaction rewrites each b-tree page it touches into the
 * WAL once, and a span's rows are spread over every busy room's last page, so rows per transaction
 * is what a row costs: ~9 µs of CPU at 64, ~4.5 at 512 (100 rooms' rows interleaved). In the relay
 * at 100 rooms × 30 Hz, moving every 500 ms (`SQLITE_JOURNAL_FLUSH_MS`: ~1,500 rows) 1,024 rows a
 * transaction, the worker used 130–150 ms of CPU per 8 s, against 210–220 moving 512-row
 * transactions every 100 ms. The relay's own writes (a snapshot) wait for the transaction in
 * progress: ~5 ms at 1,024 on an idle core (SQLite's busy handler sleeps 1, 2, 5… ms between
 * tries, and a busy machine runs the worker's lower-priority thread later, so a write that meets
 * one can wait several milliseconds more).
 */
const DEFAULT_CHUNK = 1024

/**
 * Stores journaled board updates in SQLite from a worker thread with its own connections to the
 * journal and the database file (`JournaledStorage` uses it for its background moves): the
 * reading, decoding, b-tree and WAL work of every row runs beside the relay's event loop instead
 * of on it, and the event loop keeps no copy of a journaled update. Rows already stored and rows
 * of rooms deleted meanwhile are skipped, as in `SqliteStorage.insertJournaled`, so the relay's
 * thread may store the same rows itself (deleting a room, the inactivity sweep) while a batch is
 * here. The journal must not be cut (cleared) while a span of it is with the worker.
 */
export class JournalMover {
  private worker: Worker
  private nextId = 1
  private waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>()
  private failure: Error | null = null
  private exited: Promise<void>

  constructor(databaseFile: string, journalFile: string, chunk = DEFAULT_CHUNK) {
    this.worker = new Worker(new URL('./journalMoveWorker.ts', import.meta.url), {
      workerData: { databaseFile, journalFile, chunk },
    })
    this.worker.unref()
    this.worker.on('message', (reply: MoveReply) => {
      const waiter = this.waiting.get(reply.id)
      this.waiting.delete(reply.id)
      if (reply.ok) waiter?.resolve()
      else waiter?.reject(new Error(reply.message))
    })
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', () => {
        this.fail(new Error('the journal worker stopped'))
        resolve()
      })
      this.worker.once('error', (error) => this.fail(error))
    })
  }

  /** Why the worker cannot move anything any more (it failed or stopped), or null. */
  get broken(): Error | null {
    return this.failure
  }

  /** Store the span's records from the worker; resolves once they are committed. Never throws: rejects. */
  move(span: JournalSpan): Promise<void> {
    if (this.failure) return Promise.reject(this.failure)
    const id = this.nextId++
    return new Promise<void>((resolve, reject) => {
      const request: MoveRequest = { id, from: span.from, to: span.to, count: span.count }
      this.waiting.set(id, { resolve, reject })
      try {
        this.worker.postMessage(request)
      } catch (error) {
        this.waiting.delete(id)
        throw error
      }
    })
  }

  /** Stop the worker once it has finished what it was sent (its connections closed). */
  async stop(): Promise<void> {
    if (!this.failure) this.worker.postMessage('stop')
    await this.exited
  }

  private fail(error: Error) {
    this.failure ??= error
    for (const { reject } of this.waiting.values()) reject(this.failure)
    this.waiting.clear()
  }
}
