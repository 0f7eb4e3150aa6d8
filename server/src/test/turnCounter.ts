/**
 * Counts event-loop turns: an immediate that queues itself again runs once per turn, before
 * anything queued with `setImmediate` after it in the same turn. `stop()` ends it.
 */
export function turnCounter(): { readonly turn: number; stop(): void } {
  let turn = 0
  let stopped = false
  const tick = () => {
    if (stopped) return
    turn++
    setImmediate(tick)
  }
  setImmediate(tick)
  return {
    get turn() {
      return turn
    },
    stop() {
      stopped = true
    },
  }
}
