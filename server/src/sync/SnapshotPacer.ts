/** A snapshot a room asked for; it resolves once written (or found not needed). */
export type SnapshotTask = () => Promise<void>

/**
 * Starts the snapshots rooms ask for as they cross their update threshold one per event-loop
 * turn, in the order asked. A snapshot encodes the room's whole doc (~0.2 ms for a board with a
 * few hundred overwritten fields) and, on the embedded SQLite, stores it in the same call; rooms
 * that started together cross the threshold together, and run in the same turn, 100 of them held
 * every frame of the relay for 45-56 ms. Between two, the relay handles what arrived meanwhile.
 * The next one does not wait for a write to finish (a networked database's writes overlap, and
 * one that hangs holds up no other room's). Snapshots only speed up loading (the log is complete
 * without them), so waiting a few turns costs nothing.
 */
export class SnapshotPacer {
  /** Asked for and not yet started, in order (a task asked for twice runs once). */
  private waiting = new Set<SnapshotTask>()
  private scheduled: NodeJS.Immediate | null = null
  private stopped = false

  /** Snapshots asked for and not yet started. */
  get size(): number {
    return this.waiting.size
  }

  /** Start `task` after the snapshots asked for before it, in a turn of its own. */
  request(task: SnapshotTask): void {
    if (this.stopped) return
    this.waiting.add(task)
    this.schedule()
  }

  /**
   * Forget every snapshot not yet started and take no more: for shutdown, where the relay
   * snapshots and destroys every room itself.
   */
  stop(): void {
    this.stopped = true
    this.waiting.clear()
    if (this.scheduled) clearImmediate(this.scheduled)
    this.scheduled = null
  }

  private schedule(): void {
    if (this.scheduled || !this.waiting.size) return
    this.scheduled = setImmediate(this.startNext)
  }

  private readonly startNext = (): void => {
    this.scheduled = null
    const task = this.waiting.values().next().value
    if (!task) return
    this.waiting.delete(task)
    // The next one gets a turn of its own whatever this one does.
    this.schedule()
    try {
      // A failed snapshot is the task's to report.
      task().catch(() => {})
    } catch {
      // Likewise when it throws before returning its promise.
    }
  }
}
