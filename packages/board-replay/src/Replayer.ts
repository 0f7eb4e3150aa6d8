import * as Y from 'yjs'

/** One board update of the room log, in the order the server accepted it. */
export interface LoggedUpdate {
  /** Server time, ms since the epoch. */
  ts: number
  update: Uint8Array
}

/** Take a checkpoint of the whole doc every this many updates, so a seek replays at most that many. */
export const CHECKPOINT_EVERY = 100

interface Checkpoint {
  /** Updates [0, index) are in `state`. */
  index: number
  state: Uint8Array
}

/**
 * Rebuilds the board as it was at any moment of a session from its update log. Checkpoints
 * (states of a garbage-collected doc every {@link CHECKPOINT_EVERY} updates, built once up
 * front, so each is the board's live size rather than its whole history) bound the cost of a
 * seek: the nearest checkpoint before `t`, then the updates after it applied in one transaction.
 */
export class Replayer {
  readonly updates: readonly LoggedUpdate[]
  private checkpoints: Checkpoint[] = [{ index: 0, state: new Uint8Array() }]

  constructor(updates: readonly LoggedUpdate[], checkpointEvery = CHECKPOINT_EVERY) {
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

  /** How many updates had been accepted by server time `t` (inclusive). */
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

  /** The state of the board at server time `t`, as one Yjs update. */
  stateAt(t: number): Uint8Array {
    const count = this.countAt(t)
    const checkpoint = this.checkpointBefore(count)
    const parts = [checkpoint.state, ...this.updates.slice(checkpoint.index, count).map((u) => u.update)]
    return Y.mergeUpdates(parts.filter((p) => p.length > 0))
  }

  /** A fresh Y.Doc holding the board at server time `t`: the nearest checkpoint, then the updates after it. */
  docAt(t: number): Y.Doc {
    return this.docAtCount(this.countAt(t))
  }

  /** A fresh Y.Doc holding the board after the first `count` updates. */
  docAtCount(count: number): Y.Doc {
    const checkpoint = this.checkpointBefore(count)
    const doc = new Y.Doc()
    doc.transact(() => {
      if (checkpoint.state.length) Y.applyUpdate(doc, checkpoint.state)
      for (let i = checkpoint.index; i < count; i++) Y.applyUpdate(doc, this.updates[i]!.update)
    })
    return doc
  }

  private checkpointBefore(count: number): Checkpoint {
    let lo = 0
    let hi = this.checkpoints.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1
      if (this.checkpoints[mid]!.index <= count) lo = mid
      else hi = mid - 1
    }
    return this.checkpoints[lo]!
  }
}
