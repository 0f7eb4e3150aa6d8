import { BudgetExceededError } from './syncErrors.ts'

/** Frames one socket may have waiting at once (a stock client sends 2-3 before it hears back). */
export const MAX_QUEUED_FRAMES_PER_SOCKET = 256

interface Queued<C> {
  conn: C
  frame: Uint8Array
}

/**
 * Frames that arrived while they could not be handled yet (the room still loading from storage,
 * or waiting for a commit before it answers a sync request), kept in arrival order to be handled
 * later. Bounded per sender, in frames and bytes: a sender over either bound gets
 * {@link BudgetExceededError} and is closed, the others keep their place.
 */
export class FrameQueue<C> {
  private entries: Queued<C>[] = []
  private perSender = new Map<C, { frames: number; bytes: number }>()
  private maxBytesPerSender: number
  private maxFramesPerSender: number

  constructor(maxBytesPerSender: number, maxFramesPerSender = MAX_QUEUED_FRAMES_PER_SOCKET) {
    this.maxBytesPerSender = maxBytesPerSender
    this.maxFramesPerSender = maxFramesPerSender
  }

  get size(): number {
    return this.entries.length
  }

  /** Queue `frame` from `conn`, or throw {@link BudgetExceededError} if that goes over its bounds. */
  push(conn: C, frame: Uint8Array): void {
    const used = this.perSender.get(conn) ?? { frames: 0, bytes: 0 }
    if (used.frames + 1 > this.maxFramesPerSender || used.bytes + frame.byteLength > this.maxBytesPerSender) {
      throw new BudgetExceededError(
        `more than ${this.maxFramesPerSender} frames or ${this.maxBytesPerSender} bytes sent before the room could take them`
      )
    }
    this.perSender.set(conn, { frames: used.frames + 1, bytes: used.bytes + frame.byteLength })
    this.entries.push({ conn, frame })
  }

  /** The oldest frame, taken off the queue. */
  shift(): Queued<C> | undefined {
    const entry = this.entries.shift()
    if (!entry) return undefined
    const used = this.perSender.get(entry.conn)!
    if (used.frames === 1) this.perSender.delete(entry.conn)
    else this.perSender.set(entry.conn, { frames: used.frames - 1, bytes: used.bytes - entry.frame.byteLength })
    return entry
  }

  /** Forget every frame of `conn` (it left or was closed). */
  drop(conn: C): void {
    if (!this.perSender.delete(conn)) return
    this.entries = this.entries.filter((e) => e.conn !== conn)
  }
}
