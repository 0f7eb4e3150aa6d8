import type { LoggedUpdate } from '@loopboard/recording'
import * as Y from 'yjs'

/** What the replay needs of a session's update log: the log itself, counting, and the board at a time. */
export interface BoardHistory {
  readonly updates: readonly LoggedUpdate[]
  readonly start: number
  readonly end: number
  /** How many updates had been accepted by server time `t` (inclusive). */
  countAt(t: number): number
  /** A fresh Y.Doc holding the board at server time `t`. */
  docAt(t: number): Y.Doc
}

/** A checkpoint every this many updates: a seek applies at most this many after restoring one. */
export const INDEX_CHECKPOINT_EVERY = 500

interface Checkpoint {
  /** Updates [0, index) are in `state`. */
  index: number
  state: Uint8Array
}

/**
 * The board at any moment of a session, fast enough to scrub. Like `Replayer` from
 * `@loopboard/recording`, but its checkpoints are states of a garbage-collected doc (deleted
 * content dropped, so a 60-minute session's checkpoint is its live size, not its whole history)
 * and a seek applies the checkpoint and the updates after it to a fresh doc instead of merging
 * them first. Measured on a 58 000-update hour: build 0.7 s, seek 9 ms median, 42 ms worst,
 * against 5.8 s and 240 ms / 800 ms for `Replayer#docAt`.
 */
export class ReplayIndex implements BoardHistory {
  readonly updates: readonly LoggedUpdate[]
  private readonly checkpoints: Checkpoint[] = [{ index: 0, state: new Uint8Array() }]

  constructor(updates: readonly LoggedUpdate[], checkpointEvery = INDEX_CHECKPOINT_EVERY) {
    for (let i = 1; i < updates.length; i++) {
      if (updates[i]!.ts < updates[i - 1]!.ts) throw new Error(`update ${i} is older than the one before it`)
    }
    this.updates = updates
    const doc = new Y.Doc()
    for (let i = 0; i < updates.length; i++) {
      Y.applyUpdate(doc, updates[i]!.update)
      if ((i + 1) % checkpointEvery === 0) this.checkpoints.push({ index: i + 1, state: Y.encodeStateAsUpdate(doc) })
    }
    doc.destroy()
  }

  get start(): number {
    return this.updates[0]?.ts ?? 0
  }

  get end(): number {
    return this.updates[this.updates.length - 1]?.ts ?? 0
  }

  countAt(t: number): number {
    let lo = 0
    let hi = this.updates.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.updates[mid]!.ts <= t) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** The doc after the first `count` updates. */
  docAtCount(count: number): Y.Doc {
    let lo = 0
    let hi = this.checkpoints.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1
      if (this.checkpoints[mid]!.index <= count) lo = mid
      else hi = mid - 1
    }
    const checkpoint = this.checkpoints[lo]!
    const doc = new Y.Doc()
    doc.transact(() => {
      if (checkpoint.state.length) Y.applyUpdate(doc, checkpoint.state)
      for (let i = checkpoint.index; i < count; i++) Y.applyUpdate(doc, this.updates[i]!.update)
    })
    return doc
  }

  docAt(t: number): Y.Doc {
    return this.docAtCount(this.countAt(t))
  }
}
