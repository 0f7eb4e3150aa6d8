import type { RoomSession } from '@loopboard/protocol'
import { useEffect, useState } from 'react'
import { ApiRequestError, fetchSession, NetworkError } from '../lib/api.ts'
import { MessageScreen } from './MessageScreen.tsx'
import { NamePrompt } from './NamePrompt.tsx'
import { cleanName, rememberedName, rememberName } from './identity.ts'
import type { RoomLink } from './roomLink.ts'
import { RoomView } from './RoomView.tsx'
import { rememberSession } from '../landing/sessions.ts'
import { cacheSession, cachedSession } from './sessionCache.ts'

type Phase =
  | { kind: 'loading' }
  | { kind: 'error'; title: string; message: string; retry: boolean }
  | { kind: 'ready'; session: RoomSession; offline: boolean }

function describe(error: unknown): { title: string; message: string; retry: boolean } {
  if (error instanceof ApiRequestError) {
    if (error.status === 404) {
      return {
        title: 'Room not found',
        message: 'This room does not exist or was deleted. Check the link, or start a new interview.',
        retry: false,
      }
    }
    if (error.status === 401 || error.status === 403) {
      return {
        title: 'This link does not open the room',
        message: 'The access token in the link is missing or wrong. Ask the interviewer for a fresh link.',
        retry: false,
      }
    }
    return { title: 'The server refused to open the room', message: error.message, retry: true }
  }
  if (error instanceof NetworkError) {
    return { title: 'Cannot reach the server', message: 'Check your connection and try again.', retry: true }
  }
  return { title: 'Something went wrong', message: (error as Error)?.message ?? String(error), retry: true }
}

export function RoomPage({ link }: { link: RoomLink }) {
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' })
  const [attempt, setAttempt] = useState(0)
  const [name, setName] = useState<string | null>(() => (link.name ? cleanName(link.name) : rememberedName()))

  useEffect(() => {
    const token = link.token
    if (!token) return
    let cancelled = false
    fetchSession(link.roomId, token).then(
      (session) => {
        if (cancelled) return
        cacheSession(session, token)
        if (session.role === 'interviewer') {
          const link = `${location.origin}/r/${encodeURIComponent(session.roomId)}#token=${encodeURIComponent(token)}`
          rememberSession({ roomId: session.roomId, title: session.title, link, createdAt: session.createdAt })
        }
        setPhase({ kind: 'ready', session, offline: false })
      },
      (error: unknown) => {
        if (cancelled) return
        // Unreachable server: reopen from what this browser already has, so work continues offline.
        const cached = error instanceof NetworkError ? cachedSession(link.roomId, token) : null
        setPhase(cached ? { kind: 'ready', session: cached, offline: true } : { kind: 'error', ...describe(error) })
      }
    )
    return () => {
      cancelled = true
    }
  }, [link.roomId, link.token, attempt])

  useEffect(() => {
    if (phase.kind === 'ready') document.title = `${phase.session.title} · Loopboard`
  }, [phase])

  if (!link.token) {
    return (
      <MessageScreen title="This link has no access token">
        <p>Room links end in #token=…. Copy the whole link and try again.</p>
        <p className="actions">
          <a href="/">Start a new interview</a>
        </p>
      </MessageScreen>
    )
  }
  if (phase.kind === 'loading') return <MessageScreen title="Opening the room…" busy />
  if (phase.kind === 'error') {
    return (
      <MessageScreen title={phase.title}>
        <p>{phase.message}</p>
        <p className="actions">
          {phase.retry ? (
            <button
              type="button"
              className="primary"
              onClick={() => {
                setPhase({ kind: 'loading' })
                setAttempt((n) => n + 1)
              }}
            >
              Try again
            </button>
          ) : null}
          <a href="/">Start a new interview</a>
        </p>
      </MessageScreen>
    )
  }
  if (!name) {
    return (
      <NamePrompt
        role={phase.session.role}
        title={phase.session.title}
        onSubmit={(chosen) => {
          rememberName(chosen)
          setName(chosen)
        }}
      />
    )
  }
  return (
    <RoomView
      session={phase.session}
      token={link.token}
      name={name}
      onSessionChanged={() => setAttempt((n) => n + 1)}
    />
  )
}
