import { useEffect, useRef, useState } from 'react'
import { InvitePanel } from './InvitePanel.tsx'

/** The room bar's Invite control: a popover with the candidate's and observer's links. */
export function InviteButton({ roomId, token }: { roomId: string; token: string }) {
  const [open, setOpen] = useState(false)
  const root = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (!open) return
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false)
    const onDown = (e: PointerEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false)
    }
    document.addEventListener('keydown', onKey)
    document.addEventListener('pointerdown', onDown)
    return () => {
      document.removeEventListener('keydown', onKey)
      document.removeEventListener('pointerdown', onDown)
    }
  }, [open])
  return (
    <div className="invite" ref={root}>
      <button
        type="button"
        className="small"
        aria-expanded={open}
        aria-controls="invite-popover"
        onClick={() => setOpen((v) => !v)}
      >
        Invite
      </button>
      {open ? (
        <div id="invite-popover" className="popover" role="dialog" aria-label="Invite">
          <InvitePanel roomId={roomId} token={token} />
        </div>
      ) : null}
    </div>
  )
}
