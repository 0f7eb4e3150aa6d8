/**
 * Tasks under the same key run one after the other (in the order asked), tasks under different
 * keys side by side. For check-then-write steps that span several awaits — a room's note count
 * before the note, a chunk's presence before its upload — so concurrent commands of one process
 * cannot all pass the same check. A failing task rejects its own caller only.
 */
export class KeyedLock {
  private tails = new Map<string, Promise<unknown>>()

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve()
    const next = previous.catch(() => {}).then(task)
    const settled = next.catch(() => {})
    this.tails.set(key, settled)
    void settled.then(() => {
      if (this.tails.get(key) === settled) this.tails.delete(key)
    })
    return next
  }

  /** Resolves once every task started so far has settled. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.tails.values()])
  }
}
