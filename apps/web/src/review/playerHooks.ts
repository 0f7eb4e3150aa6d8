import { useEffect } from 'react'
import { SPEEDS, STEP_MS, type PlayerStore } from './playerStore.ts'

/** While playing, a requestAnimationFrame clock advances the replay by wall time × speed. */
export function usePlaybackClock(player: PlayerStore): void {
  useEffect(() => {
    let frame = 0
    let last = 0
    const loop = (now: number) => {
      if (!player.getState().playing) return
      if (last) player.getState().tick(now - last)
      last = now
      frame = requestAnimationFrame(loop)
    }
    const start = () => {
      cancelAnimationFrame(frame)
      last = 0
      frame = requestAnimationFrame(loop)
    }
    if (player.getState().playing) start()
    const unsubscribe = player.subscribe((state, prev) => {
      if (state.playing && !prev.playing) start()
      if (!state.playing) cancelAnimationFrame(frame)
    })
    return () => {
      unsubscribe()
      cancelAnimationFrame(frame)
    }
  }, [player])
}

/** Fields where keys type text, which the replay's shortcuts must leave alone. */
function typesText(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement)
    return true
  return target instanceof HTMLInputElement && target.type !== 'range' && target.type !== 'checkbox'
}

/** Controls that Space already activates (a button, a link, a checkbox…). */
function activatedBySpace(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target instanceof HTMLInputElement) return target.type !== 'range'
  return (
    target instanceof HTMLButtonElement ||
    target instanceof HTMLAnchorElement ||
    target.tagName === 'SUMMARY' ||
    target.getAttribute('role') === 'button'
  )
}

/**
 * Space plays and pauses, ←/→ step 5 s (Shift: 1 s), `<` and `>` change the speed — anywhere on
 * the page but in text fields. Handled before the board sees them (it would pan on Space).
 */
export function usePlayerKeys(player: PlayerStore): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || typesText(event.target)) return
      const state = player.getState()
      if (event.key === ' ' && !activatedBySpace(event.target)) {
        if (event.repeat) return event.preventDefault()
        state.toggle()
      } else if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
        const step = event.shiftKey ? 1_000 : STEP_MS
        state.step(event.key === 'ArrowLeft' ? -step : step)
      } else if (event.key === '<' || event.key === '>') {
        const index = SPEEDS.indexOf(state.speed) + (event.key === '>' ? 1 : -1)
        const speed = SPEEDS[Math.min(SPEEDS.length - 1, Math.max(0, index))]!
        state.setSpeed(speed)
      } else return
      event.preventDefault()
      event.stopPropagation()
    }
    window.addEventListener('keydown', onKeyDown, { capture: true })
    return () => window.removeEventListener('keydown', onKeyDown, { capture: true })
  }, [player])
}
