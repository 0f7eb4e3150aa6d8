import { Worker } from 'node:worker_threads'
import type { DatabaseSync } from 'node:sqlite'
import type { Logger } from '../logger.ts'

/**
 * Moves SQLite's WAL checkpoints off the event loop. By default SQLite checkpoints inside the
 * commit that crosses 1,000 WAL pages, copying pages into the database file and syncing it on
 * the thread that committed: for the relay, a stall of every room's broadcasts (its p99 tail at
 * 100 rooms). Here the relay's connection never checkpoints (`wal_autocheckpoint = 0`) and a
 * worker thread with its own connection checkpoints every `intervalMs`.
 */
export class WalCheckpointer {
  private worker: Worker
  private exited: Promise<void>

  constructor(database: DatabaseSync, file: string, intervalMs: number, logger: Logger) {
    database.exec('PRAGMA wal_autocheckpoint = 0')
    this.worker = new Worker(new URL('./walCheckpointWorker.ts', import.meta.url), {
      workerData: { file, intervalMs },
    })
    this.worker.unref()
    this.worker.on('message', (message: { type: string; message?: string }) => {
      if (message.type === 'error') logger.warn('WAL checkpoint failed; retrying', { reason: message.message })
    })
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', () => resolve())
      this.worker.once('error', (error) => {
        // Without the worker nothing checkpoints: hand it back to SQLite on the relay's thread.
        logger.error('WAL checkpoint worker failed; checkpointing on the main thread again', { error })
        if (database.isOpen) database.exec('PRAGMA wal_autocheckpoint = 1000')
      })
    })
  }

  /** Stop checkpointing (closing the last connection checkpoints whatever is left). */
  async stop(): Promise<void> {
    this.worker.ref() // held open until it has closed its connection
    this.worker.postMessage('stop')
    await this.exited
  }
}
