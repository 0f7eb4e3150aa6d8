/** A snapshot a room asked for; it resolves once written (or found not needed). */
export type SnapshotTask = () => Promise<void>

/**
 * Runs the snapshots rooms ask for as they cross their update threshold one at a time, each
 * in an event-loop turn of its own, in the order asked. A snapshot encodes the room's whole doc
 * (~0.5-1 ms for a board with a few hundred overwritten fields) and stores it; rooms that started
 * together cross the threshold together, and run in the same turn, 100 of them held every frame
 * of the relay for 50-100 ms. Between two snapshots the relay handles what arrived meanwhile.
 * Snapshots only speed up loading (the log is complete without them), so waiting costs nothing.
 */
export class SnapshotPacer {
  /** Asked for and not yet started, in order (a task asked for twice runs once). */
  private waiting = new Set<SnapshotTask>()
  private scheduled: NodeJS.Immediate | null = null
  private running = false
  private stopped = false

  /** Snapshots asked for and not yet started. */
  get size(): number {
    return this.waiting.size
  }

  /** Run `task` after the snapshots asked for before it, in a turn of its own. */
  request(task: SnapshotTask): void {
    if (this.stopped) return
    this.waiting.add(task)
    this.schedule()
  }

  /** Forget every snapshot not yet started (shutting down: the relay snapshots its rooms itself). */
  stop(): void {
    this.stopped = true
    this.waiting.clear()
    if (this.scheduled) clearImmediate(this.scheduled)
    this.scheduled = null
  }

  private schedule(): void {
    if (this.running || this.scheduled || !this.waiting.size) return
    this.scheduled = setImmediate(this.runNext)
  }

  private readonly runNext = (): void => {
    this.scheduled = null
    const task = this.waiting.values().next().value
    if (!task) return
    this.waiting.delete(task)
    this.running = true
    let done: Promise<void>
    try {
      done = task()
    } catch (error) {
      done = Promise.reject(error)
    }
    // A failed snapshot is the task's to report; the next one runs anyway.
    void done
      .catch(() => {})
      .finally(() => {
        this.running = false
        this.schedule()
      })
  }
}
