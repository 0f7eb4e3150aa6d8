import { ReplacedLinkResponseSchema } from '@loopboard/protocol'
import { useState } from 'react'
import { CopyField } from '../landing/CopyField.tsx'
import { rememberInvite, storedInvites } from '../landing/sessions.ts'
import { apiFetch } from '../lib/api.ts'

const SEATS = [
  { seat: 'candidate', label: 'Candidate link' },
  { seat: 'observer', label: 'Observer link' },
] as const

/**
 * The candidate's and observer's links: shown and copied when this browser kept them (the
 * server stores only hashes, so it cannot show them again), and replaceable from anywhere —
 * a replaced link stops working at once and whoever had it open is disconnected.
 */
export function InvitePanel({ roomId, token }: { roomId: string; token: string }) {
  const [links, setLinks] = useState(() => storedInvites(roomId))
  const [busy, setBusy] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)

  const replace = async (seat: 'candidate' | 'observer') => {
    const sure = window.confirm(
      `Replace the ${seat} link?\n\nThe current ${seat} link stops working at once and whoever has it open is disconnected.`
    )
    if (!sure) return
    setBusy(seat)
    setError(null)
    try {
      const response = await apiFetch(`/api/rooms/${encodeURIComponent(roomId)}/links/${seat}/replace`, {
        method: 'POST',
        token,
      })
      const { link } = ReplacedLinkResponseSchema.parse(await response.json())
      rememberInvite(roomId, seat, link)
      setLinks((l) => ({ ...l, [seat]: link }))
    } catch (e) {
      setError((e as Error).message)
    } finally {
      setBusy(null)
    }
  }

  return (
    <div className="invite-panel" data-testid="invite-panel">
      {SEATS.map(({ seat, label }) => (
        <div key={seat} className="invite-seat">
          {links[seat] ? (
            <CopyField label={label} value={links[seat]} id={`invite-${seat}`} />
          ) : (
            <p className="muted small-print">
              {label}: not kept in this browser. Links are stored only hashed on the server, so replace it to get one to
              send.
            </p>
          )}
          <button type="button" className="small" disabled={busy !== null} onClick={() => void replace(seat)}>
            {busy === seat ? 'Replacing…' : `Replace ${seat} link`}
          </button>
        </div>
      ))}
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  )
}
