import type { TLStore } from 'tldraw'
import { createParkedShapes, syncStoreToCursor, type ParkedShapes } from './boardSync.ts'
import { formatTime } from './format.ts'
import type { PlayerStore } from './playerStore.ts'
import { ReplayCursor } from './ReplayCursor.ts'
import type { BoardHistory } from './BoardHistory.ts'

export interface SeekTiming {
  /** Where the board went, ms since the session start. */
  pos: number
  /** Time taken to rebuild the doc and update the store, in ms. */
  ms: number
  /** Of which moving the doc (applying updates, or restoring a checkpoint). */
  docMs: number
  rebuilt: boolean
  put: number
  removed: number
  parked: number
}

/**
 * Keeps a tldraw store showing the board at the player's position. Moves are coalesced to one
 * per animation frame; each updates only the records that differ (the editor is never rebuilt).
 */
export class BoardPlayback {
  private cursor: ReplayCursor | null = null
  private frame = 0
  private unsubscribe: (() => void) | null = null
  private shown = -1
  private readonly warned = new Set<string>()
  readonly timings: SeekTiming[] = []
  /** Shapes in the store that do not exist at the time shown (the board hides them). */
  readonly parked: ParkedShapes = createParkedShapes()
  private readonly store: TLStore
  private readonly replayer: BoardHistory
  private readonly start: number
  private readonly player: PlayerStore

  constructor(store: TLStore, replayer: BoardHistory, start: number, player: PlayerStore) {
    this.store = store
    this.replayer = replayer
    this.start = start
    this.player = player
  }

  /** Start following the player (idempotent). */
  attach(): void {
    if (this.unsubscribe) return
    this.cursor = new ReplayCursor(this.replayer)
    this.shown = -1
    this.unsubscribe = this.player.subscribe((state, prev) => {
      if (state.pos !== prev.pos) this.schedule()
    })
    this.syncNow()
  }

  detach(): void {
    this.unsubscribe?.()
    this.unsubscribe = null
    cancelAnimationFrame(this.frame)
    this.frame = 0
    this.cursor?.destroy()
    this.cursor = null
  }

  /** Whether a shape is in the store but absent at the time shown. */
  isParked(id: string): boolean {
    return this.parked.get().has(id)
  }

  /** The position the board shows, ms since the session start (-1 before the first sync). */
  get shownPos(): number {
    return this.shown
  }

  /** Show the board at `pos` now, without waiting for a frame (for a seek that must land). */
  syncNow(pos = this.player.getState().pos): void {
    if (!this.cursor) return
    cancelAnimationFrame(this.frame)
    this.frame = 0
    const t0 = performance.now()
    const touched = this.cursor.moveTo(this.start + pos)
    const docMs = performance.now() - t0
    const result = syncStoreToCursor(this.store, this.cursor, touched, this.parked, (id, error) => {
      if (this.warned.has(id)) return
      this.warned.add(id)
      console.warn(`[review] skipped record ${id}: ${(error as Error)?.message ?? String(error)}`)
    })
    const ms = performance.now() - t0
    this.shown = pos
    const timing: SeekTiming = {
      pos,
      ms,
      docMs,
      rebuilt: touched.rebuilt,
      put: result.put,
      removed: result.removed,
      parked: result.parked,
    }
    this.timings.push(timing)
    if (this.timings.length > 200) this.timings.shift()
    if (import.meta.env.DEV && (touched.rebuilt || !this.player.getState().playing)) {
      // eslint-disable-next-line no-console -- the seek time is the number to watch in dev
      console.debug(
        `[review] seek to ${formatTime(pos)}: ${ms.toFixed(1)} ms (${touched.rebuilt ? 'rebuilt' : 'forward'}, ${result.put} put, ${result.parked} hidden, ${result.removed} removed)`
      )
    }
  }

  private schedule(): void {
    if (this.frame) return
    this.frame = requestAnimationFrame(() => {
      this.frame = 0
      this.syncNow()
    })
  }
}
