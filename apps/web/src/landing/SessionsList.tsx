import type { SessionSummary } from '@loopboard/protocol'
import { useEffect, useState } from 'react'
import { formatClock } from '@loopboard/protocol'
import { apiFetch, ApiRequestError } from '../lib/api.ts'
import { forgetSession, storedSessions, tokenOf, type StoredSession } from './sessions.ts'
import { InvitePanel } from '../room/InvitePanel.tsx'

type Row = StoredSession & { summary: SessionSummary | null; status: 'loading' | 'ok' | 'gone' | 'offline' }

async function summarize(session: StoredSession): Promise<Row> {
  const token = tokenOf(session.link)
  try {
    const res = await apiFetch(`/api/rooms/${encodeURIComponent(session.roomId)}/summary`, { token })
    return { ...session, summary: (await res.json()) as SessionSummary, status: 'ok' }
  } catch (error) {
    // No such room any more, or a link that no longer opens it.
    const gone = error instanceof ApiRequestError && [401, 403, 404].includes(error.status)
    return { ...session, summary: null, status: gone ? 'gone' : 'offline' }
  }
}

/** The interviewer's past sessions, kept in this browser and checked with the server. */
export function SessionsList() {
  const [rows, setRows] = useState<Row[]>(() =>
    storedSessions().map((s) => ({ ...s, summary: null, status: 'loading' }))
  )

  useEffect(() => {
    let cancelled = false
    void Promise.all(storedSessions().map(summarize)).then((next) => {
      if (cancelled) return
      // Rooms the server no longer has (deleted, expired) leave the list.
      for (const row of next) if (row.status === 'gone') forgetSession(row.roomId)
      setRows(next.filter((r) => r.status !== 'gone'))
    })
    return () => {
      cancelled = true
    }
  }, [])

  const [inviting, setInviting] = useState<string | null>(null)

  const remove = async (row: Row) => {
    if (!window.confirm(`Delete “${row.title}”? Its board history and audio are removed for good.`)) return
    const deleted = await apiFetch(`/api/rooms/${encodeURIComponent(row.roomId)}`, {
      method: 'DELETE',
      token: tokenOf(row.link),
    }).then(
      () => true,
      (error: unknown) => error instanceof ApiRequestError && error.status === 404
    )
    if (deleted) {
      forgetSession(row.roomId)
      setRows((rs) => rs.filter((r) => r.roomId !== row.roomId))
    } else window.alert('Could not delete the session; check your connection and try again.')
  }

  if (!rows.length) return null
  return (
    <section className="sessions" aria-labelledby="sessions-title">
      <h2 id="sessions-title">Your sessions</h2>
      <ul>
        {rows.map((row) => {
          const s = row.summary
          const duration = s?.startedAt && s.endedAt ? formatClock(s.endedAt - s.startedAt) : '—'
          const review = row.link.replace(/#/, '/review#')
          return (
            <li key={row.roomId} data-testid="session-row" data-room-id={row.roomId}>
              <div>
                <strong>{row.title}</strong>
                <span className="muted">
                  {' '}
                  · {new Date(row.createdAt).toLocaleString()} · {s?.promptTitle ?? 'no prompt yet'} · {duration}
                  {s?.audioTracks ? ` · ${s.audioTracks} audio track${s.audioTracks > 1 ? 's' : ''}` : ''}
                  {row.status === 'offline' ? ' · server unreachable' : ''}
                </span>
              </div>
              <p className="actions">
                <a href={row.link}>Open</a>
                <a href={review}>Review</a>
                <button
                  type="button"
                  className="small"
                  aria-expanded={inviting === row.roomId}
                  onClick={() => setInviting((id) => (id === row.roomId ? null : row.roomId))}
                >
                  Invite
                </button>
                <button type="button" className="small" onClick={() => void remove(row)}>
                  Delete
                </button>
              </p>
              {inviting === row.roomId && tokenOf(row.link) ? (
                <InvitePanel roomId={row.roomId} token={tokenOf(row.link)!} />
              ) : null}
            </li>
          )
        })}
      </ul>
    </section>
  )
}
