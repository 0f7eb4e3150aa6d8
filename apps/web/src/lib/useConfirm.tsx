import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react'

export interface ConfirmOptions {
  title: string
  /** What happens if they go ahead, in plain words. */
  body: ReactNode
  /** The button that goes ahead, named after the action ("Finish interview"), never just "OK". */
  confirmLabel: string
  cancelLabel?: string
}

interface Pending extends ConfirmOptions {
  resolve: (ok: boolean) => void
}

/**
 * Ask before an action that cannot be undone, in a modal dialog of the page (not
 * `window.confirm`): focus moves into it, Esc or a click outside cancels, focus returns after.
 * @returns `confirm(options)` resolving to whether they went ahead, and the element to render.
 */
export function useConfirm(): [(options: ConfirmOptions) => Promise<boolean>, ReactNode] {
  const [pending, setPending] = useState<Pending | null>(null)
  const confirm = useCallback(
    (options: ConfirmOptions) => new Promise<boolean>((resolve) => setPending({ ...options, resolve })),
    []
  )
  const settle = useCallback(
    (ok: boolean) => {
      pending?.resolve(ok)
      setPending(null)
    },
    [pending]
  )
  return [confirm, pending ? <ConfirmDialog key={pending.title} options={pending} onSettle={settle} /> : null]
}

function ConfirmDialog({ options, onSettle }: { options: ConfirmOptions; onSettle: (ok: boolean) => void }) {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  const bodyId = useId()

  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    const opener = document.activeElement as HTMLElement | null
    dialog.showModal()
    return () => {
      if (dialog.open) dialog.close()
      opener?.focus()
    }
  }, [])

  return (
    <dialog
      ref={ref}
      className="confirm-dialog"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      data-testid="confirm-dialog"
      // Esc fires `cancel`; the browser would close the dialog itself, React state decides instead.
      onCancel={(event) => {
        event.preventDefault()
        onSettle(false)
      }}
      // A click on the backdrop lands on the <dialog> element itself, outside its content box.
      onClick={(event) => {
        if (event.target === event.currentTarget) onSettle(false)
      }}
    >
      <div className="confirm-body">
        <h2 id={titleId}>{options.title}</h2>
        <div id={bodyId}>{options.body}</div>
        <p className="actions">
          <button type="button" onClick={() => onSettle(false)} autoFocus>
            {options.cancelLabel ?? 'Cancel'}
          </button>
          <button type="button" className="primary" onClick={() => onSettle(true)}>
            {options.confirmLabel}
          </button>
        </p>
      </div>
    </dialog>
  )
}
