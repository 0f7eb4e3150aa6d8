import type { RoomSession } from '@loopboard/protocol'
import { ClipboardList, PanelRightClose, PanelRightOpen } from 'lucide-react'
import { useEffect, useRef, useState } from 'react'
import type { Editor } from 'tldraw'
import { BoardCanvas } from '../canvas/BoardCanvas.tsx'
import { createBoard, type Board } from '../canvas/createBoard.ts'
import { connectRoom, type RoomConnection } from './connectRoom.ts'
import { ConnectionBadge } from './ConnectionBadge.tsx'
import { ConnectionBanner } from './ConnectionBanner.tsx'
import { UNASSIGNED_COLOR } from './identity.ts'
import { AudioControl } from '../audio/AudioControl.tsx'
import { AudioSession } from '../audio/AudioSession.ts'
import { PhaseTimer } from '../interview/PhaseTimer.tsx'
import { SessionClock } from '../interview/SessionClock.tsx'
import { IconButton, IconLink } from '../lib/IconButton.tsx'
import { RecordingBar } from '../audioRecording/RecordingBar.tsx'
import { useRecording } from '../audioRecording/useRecording.ts'
import { InviteButton } from './InviteButton.tsx'
import { Sidebar } from './Sidebar.tsx'
import { overallConnection, useRoomStore } from './roomStore.ts'

/** Shown when the board's stored tldraw schema is newer than this client's. */
const NEWER_BOARD_MESSAGE = 'This room was saved by a newer Loopboard — reload to open it.'

/** The review page of a room, opened with the interviewer's own token. */
function reviewLink(roomId: string, token: string): string {
  return `/r/${encodeURIComponent(roomId)}/review#token=${encodeURIComponent(token)}`
}

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
  // The server issues this tab's participant id (from the tab's secret); a session read offline
  // from an older cache may lack it, and then the id only labels this tab locally until it reconnects.
  const userId = session.participantId ?? 'this-tab'
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
  const boardError = useRoomStore((s) => s.boardError)
  const boardNotSaving = useRoomStore((s) => s.boardNotSaving)
  const notices = useRoomStore((s) => s.notices)
  const myColor = useRoomStore((s) => s.you?.color)

  // The server assigns our colour (distinct in the room); cursors, carets and the avatar wear it.
  useEffect(() => {
    if (board && myColor) board.setColor(myColor)
  }, [board, myColor])

  useEffect(() => {
    const color = UNASSIGNED_COLOR
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
        onNewerSchema: () => useRoomStore.getState().set({ boardError: NEWER_BOARD_MESSAGE }),
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
  const connectionState = overallConnection(boardState, presenceState)
  return (
    <div className="room" data-role={session.role}>
      <header className="topbar" data-testid="room-bar">
        <a className="brand" href="/" aria-label="Loopboard home">
          Loopboard
        </a>
        <h1 className="title" title={session.title}>
          {session.title}
        </h1>
        <span className={`role role-${session.role}`} data-testid="my-role">
          {session.role}
        </span>
        {readOnly ? (
          <span className="badge muted" title="Observers watch and listen; the board is read-only for them.">
            Read-only
          </span>
        ) : null}
        {session.role === 'interviewer' ? <InviteButton roomId={session.roomId} token={token} /> : null}
        <span className="spacer" />
        <RecordingBar commands={recording} role={session.role} roomId={session.roomId} userId={userId} />
        <PhaseTimer />
        <SessionClock />
        <AudioControl session={audio} canSpeak={!readOnly} />
        <ConnectionBadge state={connectionState} />
        {session.role === 'interviewer' ? (
          <IconLink
            icon={ClipboardList}
            label="Review"
            collapse
            className="button small keep-label"
            href={reviewLink(session.roomId, token)}
            target="_blank"
            rel="noopener"
            title="Open the review of this room (board history, audio, notes) in a new tab"
            data-testid="open-review"
          />
        ) : null}
        <IconButton
          icon={showSidebar ? PanelRightClose : PanelRightOpen}
          label={showSidebar ? 'Hide panel' : 'Show panel'}
          collapse
          aria-expanded={showSidebar}
          aria-controls="sidebar"
          onClick={() => setShowSidebar((v) => !v)}
        />
      </header>
      <ConnectionBanner state={connectionState} notSaving={boardNotSaving} />
      {boardError ? (
        <div className="banner banner-error" role="alert" data-testid="board-error">
          {boardError}{' '}
          <button type="button" onClick={() => location.reload()}>
            Reload
          </button>
        </div>
      ) : null}
      {presenceError ? (
        <div className="banner banner-error" role="alert" data-testid="presence-error">
          {presenceError}
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
