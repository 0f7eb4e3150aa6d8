/**
 * Work per room run one task at a time, in the order asked: what a room's sockets are sent after
 * each change is read from storage asynchronously, and must not overtake the answer to an earlier
 * change. A task asked again under a key that is still waiting to start runs once (its latest
 * reading covers both). A failing task is handed to `onError`; the queue goes on.
 */
export class RoomQueue {
  private tails = new Map<string, Promise<void>>()
  private waiting = new Set<string>()
  private onError: (error: unknown, roomId: string) => void

  constructor(onError: (error: unknown, roomId: string) => void) {
    this.onError = onError
  }

  /** Run `task` after the room's earlier tasks; `key` (per room) merges repeats not yet started. */
  run(roomId: string, key: string, task: () => Promise<void>): Promise<void> {
    const waitingKey = `${roomId}\u0000${key}`
    if (this.waiting.has(waitingKey)) return this.tails.get(roomId)!
    this.waiting.add(waitingKey)
    const previous = this.tails.get(roomId) ?? Promise.resolve()
    const tail = previous.then(async () => {
      this.waiting.delete(waitingKey)
      try {
        await task()
      } catch (error) {
        this.onError(error, roomId)
      }
    })
    this.tails.set(roomId, tail)
    void tail.then(() => {
      if (this.tails.get(roomId) === tail) this.tails.delete(roomId)
    })
    return tail
  }

  /** Resolves once every task asked so far has run. */
  async idle(): Promise<void> {
    await Promise.all([...this.tails.values()])
  }
}
