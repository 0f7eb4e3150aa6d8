import { MAX_TITLE_LENGTH, RoomCreation, type CreateRoomResponse, type ServerInfo } from '@loopboard/protocol'
import { useEffect, useState, type FormEvent } from 'react'
import { createRoom, fetchServerInfo } from '../lib/api.ts'
import { CopyField } from './CopyField.tsx'
import { createRoomErrorMessage, rememberedInterviewerKey, rememberInterviewerKey } from './interviewerKey.ts'
import { rememberSession } from './sessions.ts'
import { SessionsList } from './SessionsList.tsx'

const DESCRIPTIONS = {
  interviewer: 'Runs the session. Keep this one to yourself.',
  candidate: 'Send to the candidate: they draw on the board with you.',
  observer: 'For a shadowing interviewer or note-taker: watches, cannot draw.',
} as const

export function Landing() {
  const [title, setTitle] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [room, setRoom] = useState<CreateRoomResponse | null>(null)
  const [info, setInfo] = useState<ServerInfo | null>(null)
  const [key, setKey] = useState(rememberedInterviewerKey)
  const restricted = info?.roomCreation === RoomCreation.Restricted

  useEffect(() => {
    // If this fails the form still works on an open server; a restricted one answers 401, explained.
    fetchServerInfo().then(setInfo, () => {})
  }, [])

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const trimmedKey = key.trim()
      const created = await createRoom(title.trim() || undefined, restricted ? trimmedKey : undefined)
      if (restricted) rememberInterviewerKey(trimmedKey)
      rememberSession({
        roomId: created.roomId,
        title: created.title,
        link: created.links.interviewer,
        createdAt: Date.now(),
        invites: { candidate: created.links.candidate, observer: created.links.observer },
      })
      setRoom(created)
    } catch (e) {
      setError(createRoomErrorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <main className="screen landing">
      <div className="card wide">
        <h1>Loopboard</h1>
        <p className="lead">
          A shared whiteboard room for system-design interviews: draw together, live, from three links.
        </p>
        {room ? (
          <section aria-labelledby="links-heading">
            <h2 id="links-heading">“{room.title}” is ready</h2>
            {(['interviewer', 'candidate', 'observer'] as const).map((role) => (
              <div key={role} className="link-row">
                <CopyField
                  id={`link-${role}`}
                  label={`${role[0]!.toUpperCase()}${role.slice(1)} link`}
                  value={room.links[role]}
                />
                <p className="muted">{DESCRIPTIONS[role]}</p>
              </div>
            ))}
            <p className="actions">
              <a className="button primary" href={room.links.interviewer}>
                Open as interviewer
              </a>
              <button type="button" onClick={() => setRoom(null)}>
                Create another
              </button>
            </p>
          </section>
        ) : (
          <form onSubmit={submit}>
            {restricted ? (
              <>
                <label htmlFor="interviewer-key">Interviewer key</label>
                <input
                  id="interviewer-key"
                  type="password"
                  autoComplete="off"
                  required
                  value={key}
                  aria-describedby="interviewer-key-help"
                  onChange={(e) => setKey(e.target.value)}
                />
                <p id="interviewer-key-help" className="muted">
                  This server creates rooms only for interviewers with a key. It is remembered in this browser.
                </p>
              </>
            ) : null}
            <label htmlFor="room-title">Interview title (optional)</label>
            <input
              id="room-title"
              value={title}
              maxLength={MAX_TITLE_LENGTH}
              placeholder="System design interview"
              onChange={(e) => setTitle(e.target.value)}
            />
            <button type="submit" className="primary" disabled={busy} aria-busy={busy}>
              {busy ? 'Creating…' : 'New interview'}
            </button>
            {error ? (
              <p className="error" role="alert">
                Could not create the room: {error}
              </p>
            ) : null}
          </form>
        )}
        <SessionsList />
      </div>
    </main>
  )
}
