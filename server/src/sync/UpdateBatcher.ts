import { performance } from 'node:perf_hooks'
import type { CommitMetrics } from '../metrics/Metrics.ts'
import type { Storage, StoredUpdate } from '../storage/Storage.ts'

interface Pending {
  roomId: string
  update: StoredUpdate
  stored: () => void
  failed: (error: unknown) => void
}

/**
 * Groups the updates accepted within one turn of the event loop into a single SQLite
 * transaction, then lets each room broadcast them. One commit per turn instead of one per
 * update is what lets the relay keep up with hundreds of busy rooms; an update is still on
 * disk before any other client is sent it.
 */
export class UpdateBatcher {
  private storage: Storage
  private pending: Pending[] = []
  private scheduled: NodeJS.Immediate | null = null

  private metrics: CommitMetrics | undefined

  constructor(storage: Storage, metrics?: CommitMetrics) {
    this.storage = storage
    this.metrics = metrics
  }

  /** Queue `update`; `stored` runs after it is committed, `failed` if the commit fails. */
  append(roomId: string, update: StoredUpdate, stored: () => void, failed: (error: unknown) => void): void {
    this.pending.push({ roomId, update, stored, failed })
    this.scheduled ??= setImmediate(() => this.flush())
  }

  /** Commit everything queued now (also used at shutdown). */
  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled)
    this.scheduled = null
    const batch = this.pending
    this.pending = []
    if (!batch.length) return
    const started = performance.now()
    try {
      this.storage.appendUpdates(batch)
    } catch (error) {
      this.metrics?.commitFailed()
      for (const p of batch) p.failed(error)
      return
    }
    this.metrics?.committed(batch.length, (performance.now() - started) / 1000)
    // One room's trouble (e.g. a snapshot failing) must not keep the others from broadcasting.
    for (const p of batch) {
      try {
        p.stored()
      } catch (error) {
        p.failed(error)
      }
    }
  }
}
