import type { RoomSession } from '@loopboard/protocol'
import { useEffect, useRef, useState } from 'react'
import type { Editor } from 'tldraw'
import { BoardCanvas } from '../canvas/BoardCanvas.tsx'
import { createBoard, type Board } from '../canvas/createBoard.ts'
import { connectRoom, type RoomConnection } from './connectRoom.ts'
import { ConnectionBadge } from './ConnectionBadge.tsx'
import { colorFor, tabUserId } from './identity.ts'
import { AudioControl } from '../audio/AudioControl.tsx'
import { AudioSession } from '../audio/AudioSession.ts'
import { PhaseTimer } from '../interview/PhaseTimer.tsx'
import { RecordingBar } from '../audioRecording/RecordingBar.tsx'
import { useRecording } from '../audioRecording/useRecording.ts'
import { Sidebar } from './Sidebar.tsx'
import { overallConnection, useRoomStore } from './roomStore.ts'

export function RoomView({
  session,
  token,
  name,
  onSessionChanged,
}: {
  session: RoomSession
  token: string
  name: string
  onSessionChanged: () => void
}) {
  const [board, setBoard] = useState<Board | null>(null)
  const [connection, setConnection] = useState<RoomConnection | null>(null)
  const [audio, setAudio] = useState<AudioSession | null>(null)
  const [userId] = useState(tabUserId)
  const recording = useRecording({ connection, audio, session, token, name, userId })
  const [editor, setEditor] = useState<Editor | null>(null)
  const [showSidebar, setShowSidebar] = useState(true)
  const sessionChanged = useRef(onSessionChanged)
  useEffect(() => {
    sessionChanged.current = onSessionChanged
  })
  const boardState = useRoomStore((s) => s.board)
  const presenceState = useRoomStore((s) => s.presence)
  const presenceError = useRoomStore((s) => s.presenceError)
  const notices = useRoomStore((s) => s.notices)

  useEffect(() => {
    const color = colorFor(userId)
    const connection = connectRoom({
      session,
      token,
      name,
      userId,
      color,
      onSessionChanged: () => sessionChanged.current(),
    })
    setConnection(connection)
    const audioSession = new AudioSession({
      roomId: session.roomId,
      token,
      userId,
      name,
      role: session.role,
      socket: connection.socket,
      awareness: connection.provider.awareness,
    })
    setAudio(audioSession)
    let created: Board | null = null
    let cancelled = false
    void connection.ready.then(() => {
      if (cancelled) return
      created = createBoard({
        doc: connection.doc,
        awareness: connection.provider.awareness,
        role: session.role,
        userId,
        name,
        color,
      })
      setBoard(created)
    })
    return () => {
      cancelled = true
      setBoard(null)
      setConnection(null)
      setAudio(null)
      void audioSession.destroy()
      created?.destroy()
      connection.destroy()
    }
  }, [session, token, name, userId])

  const readOnly = session.role === 'observer'
  return (
    <div className="room" data-role={session.role}>
      <header className="topbar">
        <a className="brand" href="/" aria-label="Loopboard home">
          Loopboard
        </a>
        <h1 className="title">{session.title}</h1>
        <span className={`role role-${session.role}`} data-testid="my-role">
          {session.role}
        </span>
        {readOnly ? (
          <span className="badge muted" title="Observers watch and listen; the board is read-only for them.">
            Read-only
          </span>
        ) : null}
        <span className="spacer" />
        <RecordingBar commands={recording} role={session.role} roomId={session.roomId} userId={userId} />
        <PhaseTimer />
        <AudioControl session={audio} canSpeak={!readOnly} />
        <ConnectionBadge state={overallConnection(boardState, presenceState)} />
        <button
          type="button"
          className="small"
          aria-expanded={showSidebar}
          aria-controls="sidebar"
          onClick={() => setShowSidebar((v) => !v)}
        >
          {showSidebar ? 'Hide panel' : 'Show panel'}
        </button>
      </header>
      {presenceError ? (
        <div className="banner" role="alert">
          Presence unavailable: {presenceError}
        </div>
      ) : null}
      <ul className="notices" aria-live="polite" aria-label="Room activity">
        {notices.map((n) => (
          <li key={n.id}>{n.text}</li>
        ))}
      </ul>
      <div className="workspace">
        <div className="canvas" data-testid="canvas">
          {board ? (
            <BoardCanvas board={board} online={boardState === 'connected'} onEditor={setEditor} />
          ) : (
            <div className="canvas-loading" role="status">
              <div className="spinner" aria-hidden="true" /> Loading the board…
            </div>
          )}
        </div>
        {showSidebar && connection ? (
          <div id="sidebar">
            <Sidebar
              role={session.role}
              editor={editor}
              doc={connection.doc}
              awareness={connection.provider.awareness}
            />
          </div>
        ) : null}
      </div>
    </div>
  )
}
