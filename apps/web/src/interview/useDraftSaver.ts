import type { SaveDraftInput } from '@loopboard/protocol'
import { useCallback, useEffect, useRef } from 'react'
import { useInterviewStore } from './interviewStore.ts'

/** Send a draft this long after the last keystroke (a burst of typing is one save). */
export const DRAFT_SAVE_DEBOUNCE_MS = 400

/**
 * Save what the author types as a server-side draft, debounced, so a reload or a second tab
 * finds it. Pending text is sent at once when the panel closes or the page goes away, and
 * leaving while a save is still unsent or unanswered asks first.
 * @returns `save(draft)` to call on every edit, `cancel()` once the real thing is saved, and
 *   `pending()` (true while not yet on the server).
 */
export function useDraftSaver(): {
  save: (draft: SaveDraftInput) => void
  /** Forget an unsent draft (the real thing was just saved). */
  cancel: () => void
  pending: () => boolean
} {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const queued = useRef<SaveDraftInput | null>(null)
  const inFlight = useRef(0)

  const flush = useCallback(() => {
    if (timer.current) clearTimeout(timer.current)
    timer.current = null
    const draft = queued.current
    queued.current = null
    const commands = useInterviewStore.getState().commands
    if (!draft || !commands) return
    inFlight.current++
    void commands.saveDraft(draft).finally(() => inFlight.current--)
  }, [])

  const save = useCallback(
    (draft: SaveDraftInput) => {
      queued.current = draft
      if (timer.current) clearTimeout(timer.current)
      timer.current = setTimeout(flush, DRAFT_SAVE_DEBOUNCE_MS)
    },
    [flush]
  )
  const cancel = useCallback(() => {
    if (timer.current) clearTimeout(timer.current)
    timer.current = null
    queued.current = null
  }, [])
  const pending = useCallback(() => queued.current !== null || inFlight.current > 0, [])

  useEffect(() => {
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      flush()
      if (inFlight.current > 0) event.preventDefault()
    }
    window.addEventListener('beforeunload', onBeforeUnload)
    window.addEventListener('pagehide', flush)
    return () => {
      window.removeEventListener('beforeunload', onBeforeUnload)
      window.removeEventListener('pagehide', flush)
      flush()
    }
  }, [flush])

  return { save, cancel, pending }
}
