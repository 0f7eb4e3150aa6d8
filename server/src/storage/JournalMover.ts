import { Worker } from 'node:worker_threads'
import { encodeRecords, type JournalRecord } from './UpdateJournal.ts'

/** A batch for the worker: records encoded as in the journal, in one transferred buffer. */
export interface MoveRequest {
  id: number
  count: number
  bytes: ArrayBuffer
}
export type MoveReply = { id: number; ok: true } | { id: number; ok: false; message: string }

/** Rows per transaction in the worker: the relay's own writes wait at most about this long. */
const DEFAULT_CHUNK = 64

/**
 * Stores journaled board updates in SQLite from a worker thread with its own connection to the
 * database file (`JournaledStorage` uses it for its background moves): the ~10 µs of b-tree and
 * WAL work per row then runs beside the relay's event loop instead of on it. Rows already stored
 * and rows of rooms deleted meanwhile are skipped, as in `SqliteStorage.insertJournaled`, so the
 * relay's thread may store the same rows itself (a read that cannot wait) while a batch is here.
 */
export class JournalMover {
  private worker: Worker
  private nextId = 1
  private waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>()
  private failure: Error | null = null
  private exited: Promise<void>

  constructor(databaseFile: string, chunk = DEFAULT_CHUNK) {
    this.worker = new Worker(new URL('./journalMoveWorker.ts', import.meta.url), {
      workerData: { file: databaseFile, chunk },
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

  /** Store `records` from the worker; resolves once they are committed. Never throws: rejects. */
  move(records: readonly JournalRecord[]): Promise<void> {
    if (this.failure) return Promise.reject(this.failure)
    const id = this.nextId++
    return new Promise<void>((resolve, reject) => {
      const buffer = encodeRecords(records)
      // A buffer of its own (not a slice of Node's pool), so it can be handed over without a copy.
      const bytes =
        buffer.byteOffset === 0 && buffer.byteLength === buffer.buffer.byteLength
          ? (buffer.buffer as ArrayBuffer)
          : new Uint8Array(buffer).buffer
      const request: MoveRequest = { id, count: records.length, bytes }
      this.waiting.set(id, { resolve, reject })
      try {
        this.worker.postMessage(request, [bytes])
      } catch (error) {
        this.waiting.delete(id)
        throw error
      }
    })
  }

  /** Stop the worker once it has finished what it was sent (its connection closed). */
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
