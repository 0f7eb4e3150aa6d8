import { DEFAULT_RECORDS_MAP } from '@loopboard/tldraw-yjs'
import * as Y from 'yjs'
import type { BoardHistory } from './BoardHistory.ts'

/** Which records may differ after a move: the ids touched, or all of them after a rebuild. */
export type Touched = { rebuilt: false; ids: Set<string> } | { rebuilt: true }

/**
 * A board doc that moves through a recorded session. Moving forward a little (playback, a
 * short step) applies only the updates in between and reports the records they touched;
 * moving back or far rebuilds the doc from the history's nearest checkpoint.
 */
export class ReplayCursor {
  private doc = new Y.Doc()
  private applied = 0
  private fresh = true
  private readonly replayer: BoardHistory
  private readonly maxForward: number
  private readonly mapName: string

  /**
   * @param maxForward most updates applied one by one before a rebuild is cheaper.
   */
  constructor(replayer: BoardHistory, { maxForward = 400, mapName = DEFAULT_RECORDS_MAP } = {}) {
    this.replayer = replayer
    this.maxForward = maxForward
    this.mapName = mapName
  }

  /** The board's records at the cursor: one nested Y.Map per record. */
  get records(): Y.Map<unknown> {
    return this.doc.getMap(this.mapName)
  }

  /** Updates applied so far (the replayer's `countAt` of the cursor's time). */
  get count(): number {
    return this.applied
  }

  /**
   * Move to server time `t`. The first move reports a rebuild: whatever the cursor feeds may
   * hold any board before it.
   */
  moveTo(t: number): Touched {
    if (this.fresh) {
      this.fresh = false
      this.moveTo(t)
      return { rebuilt: true }
    }
    const target = this.replayer.countAt(t)
    if (target === this.applied) return { rebuilt: false, ids: new Set() }
    if (target > this.applied && target - this.applied <= this.maxForward) {
      const ids = new Set<string>()
      const records = this.records
      const observe = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>) => {
        for (const event of events) {
          if (event.target === records) for (const key of (event as Y.YMapEvent<unknown>).keysChanged) ids.add(key)
          else if (typeof event.path[0] === 'string') ids.add(event.path[0])
        }
      }
      records.observeDeep(observe)
      try {
        const { updates } = this.replayer
        this.doc.transact(() => {
          for (let i = this.applied; i < target; i++) Y.applyUpdate(this.doc, updates[i]!.update)
        })
      } finally {
        records.unobserveDeep(observe)
      }
      this.applied = target
      return { rebuilt: false, ids }
    }
    const old = this.doc
    this.doc = this.replayer.docAt(t)
    this.applied = target
    old.destroy()
    return { rebuilt: true }
  }

  destroy(): void {
    this.doc.destroy()
  }
}
