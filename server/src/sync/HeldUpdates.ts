import type * as Y from 'yjs'
import { BudgetExceededError } from './syncErrors.ts'

/** An update whose dependencies have not arrived yet: held outside the doc, never sent or stored. */
export interface HeldUpdate<C> {
  conn: C
  update: Uint8Array
  decoded: ReturnType<typeof Y.decodeUpdate>
  structs: number
}

/**
 * Updates waiting for dependencies, kept out of the room's doc: Yjs's own pending store would
 * merge them quadratically, put them in every sync step 2 and in snapshots. Bounded per
 * connection and per room, in structs.
 */
export class HeldUpdates<C> {
  private entries: HeldUpdate<C>[] = []
  private total = 0
  private perConnection: number
  private perRoom: number

  constructor(perConnection: number, perRoom: number) {
    this.perConnection = perConnection
    this.perRoom = perRoom
  }

  get size(): number {
    return this.entries.length
  }

  /** Hold `entry`, or throw {@link BudgetExceededError} if that would go over a budget. */
  hold(entry: HeldUpdate<C>): void {
    const mine = this.entries.reduce((n, h) => (h.conn === entry.conn ? n + h.structs : n), 0)
    if (mine + entry.structs > this.perConnection || this.total + entry.structs > this.perRoom) {
      throw new BudgetExceededError(
        `update depends on data the room does not have; over the limit of ${this.perConnection} unresolved structs per connection (${this.perRoom} per room)`
      )
    }
    this.entries.push(entry)
    this.total += entry.structs
  }

  /** Forget everything held for `conn` (it left). */
  release(conn: C): void {
    const kept = this.entries.filter((h) => h.conn !== conn)
    if (kept.length === this.entries.length) return
    this.entries = kept
    this.total = kept.reduce((n, h) => n + h.structs, 0)
  }

  /**
   * Hand every entry for which `resolved` holds to `apply`, in arrival order, repeating while
   * that unlocks others.
   */
  drain(resolved: (entry: HeldUpdate<C>) => boolean, apply: (entry: HeldUpdate<C>) => void): void {
    let progress = this.entries.length > 0
    while (progress) {
      progress = false
      for (const entry of [...this.entries]) {
        if (!this.entries.includes(entry) || !resolved(entry)) continue
        this.entries.splice(this.entries.indexOf(entry), 1)
        this.total -= entry.structs
        apply(entry)
        progress = true
      }
    }
  }
}
