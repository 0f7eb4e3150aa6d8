import { useCallback, useEffect, useId, useRef, useState } from 'react'

export interface PopoverControls<T extends HTMLElement> {
  open: boolean
  setOpen: (open: boolean) => void
  toggle: () => void
  /** Put on the element that holds both the trigger and the panel: clicks inside it keep it open. */
  rootRef: React.RefObject<T | null>
  /** Put on the button that opens the panel (with `aria-expanded={open}`, `aria-controls={panelId}`). */
  triggerRef: React.RefObject<HTMLButtonElement | null>
  /** The panel's id. */
  panelId: string
}

/**
 * Open/closed state for a popover or menu that behaves the same everywhere: it closes on Esc
 * (focus goes back to its trigger, so keyboard users are not dropped at the top of the page)
 * and on a pointer press anywhere outside it. Listeners run in the capture phase because the
 * canvas stops pointer events from bubbling.
 */
export function usePopover<T extends HTMLElement = HTMLDivElement>(): PopoverControls<T> {
  const [open, setOpen] = useState(false)
  const rootRef = useRef<T>(null)
  const triggerRef = useRef<HTMLButtonElement>(null)
  const id = useId()

  useEffect(() => {
    if (!open) return
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return
      event.stopPropagation()
      setOpen(false)
      triggerRef.current?.focus()
    }
    const onPointerDown = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false)
    }
    document.addEventListener('keydown', onKeyDown, true)
    document.addEventListener('pointerdown', onPointerDown, true)
    return () => {
      document.removeEventListener('keydown', onKeyDown, true)
      document.removeEventListener('pointerdown', onPointerDown, true)
    }
  }, [open])

  const toggle = useCallback(() => setOpen((v) => !v), [])
  return { open, setOpen, toggle, rootRef, triggerRef, panelId: id }
}
