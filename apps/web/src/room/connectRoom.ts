import {
  applyPresenceChange,
  InterviewEvent,
  PROTOCOL_VERSION,
  ROUTING_ROOM_PARAM,
  SocketEvent,
  type PresenceChange,
  type ClientToServerEvents,
  type RoomSession,
  type ServerToClientEvents,
} from '@loopboard/protocol'
import { io, type Socket } from 'socket.io-client'
import { IndexeddbPersistence } from 'y-indexeddb'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { AUDIO_FIELD, type PeerAudio } from '../audio/audioStore.ts'
import { cacheInterviewView, cachedInterviewView } from '../interview/interviewCache.ts'
import { attachInterviewClient } from '../interview/interviewClient.ts'
import { useInterviewStore } from '../interview/interviewStore.ts'
import { describeConnectError } from './connectionMessage.ts'
import { tabSecret } from './identity.ts'
import { useRoomStore, type ConnectionState } from './roomStore.ts'
import { watchBoardSaving } from './watchBoardSaving.ts'

/** How long to wait for the server's first sync before opening the board from local data. */
export const FIRST_SYNC_TIMEOUT_MS = 4_000
/** Away after this long hidden. */
const AWAY_AFTER_HIDDEN_MS = 30_000

export interface RoomConnection {
  doc: Y.Doc
  provider: WebsocketProvider
  /** The room's socket.io link (presence, interview, peer-to-peer audio signalling). */
  socket: Socket<ServerToClientEvents, ClientToServerEvents>
  /** Resolves once the board can be shown: local copy loaded and server synced (or unreachable). */
  ready: Promise<void>
  destroy(): void
}

export interface ConnectRoomOptions {
  session: RoomSession
  token: string
  name: string
  userId: string
  color: string
  /** The server changed who plays which role (peer mocks): re-read the session. */
  onSessionChanged: () => void
}

function wsBase(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/yjs`
}

/**
 * Open a room: the Y.Doc (kept in IndexedDB, so edits made offline survive a reload),
 * the y-websocket link to the relay, and the socket.io presence link. Connection states
 * go to the room store.
 */
export function connectRoom({
  session,
  token,
  name,
  userId,
  color,
  onSessionChanged,
}: ConnectRoomOptions): RoomConnection {
  const { roomId } = session
  const store = useRoomStore.getState()
  const doc = new Y.Doc()
  const local = new IndexeddbPersistence(`loopboard:${roomId}`, doc)
  const provider = new WebsocketProvider(wsBase(), roomId, doc, {
    params: { token, tab: tabSecret(), [ROUTING_ROOM_PARAM]: roomId },
    // Every tab goes through the server, which checks its role; no tab-to-tab side channel.
    disableBc: true,
  })
  provider.awareness.setLocalStateField('user', { name, userId, color })
  // Peers' audio state (joined, muted, speaking) rides awareness; the panel and cursors show it.
  const onAwareness = () => {
    const peerAudio: Record<string, PeerAudio> = {}
    for (const state of provider.awareness.getStates().values()) {
      const user = state.user as { userId?: unknown } | undefined
      const audio = state[AUDIO_FIELD] as PeerAudio | undefined
      if (typeof user?.userId === 'string' && audio) peerAudio[user.userId] = audio
    }
    // Awareness changes with every cursor move; only a real audio change should re-render.
    const before = useRoomStore.getState().peerAudio
    const same =
      Object.keys(before).length === Object.keys(peerAudio).length &&
      Object.entries(peerAudio).every(([id, a]) => {
        const b = before[id]
        return !!b && b.joined === a.joined && b.muted === a.muted && b.speaking === a.speaking
      })
    if (!same) useRoomStore.getState().set({ peerAudio })
  }
  provider.awareness.on('change', onAwareness)

  let everSynced = false
  const boardState = (): ConnectionState => {
    if (!navigator.onLine) return 'offline'
    if (provider.wsconnected && provider.synced) return 'connected'
    return everSynced ? 'reconnecting' : 'connecting'
  }
  const updateBoard = () => useRoomStore.getState().set({ board: boardState() })
  provider.on('status', updateBoard)
  provider.on('sync', (synced: boolean) => {
    if (synced) everSynced = true
    updateBoard()
  })
  provider.on('connection-close', updateBoard)
  const unwatchSaving = watchBoardSaving(provider, (boardNotSaving) => useRoomStore.getState().set({ boardNotSaving }))

  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({
    query: { [ROUTING_ROOM_PARAM]: roomId },
    auth: { roomId, token, name, tab: tabSecret(), protocolVersion: PROTOCOL_VERSION },
  })
  let presenceEverConnected = false
  let presenceFailed = false
  const presenceState = (): ConnectionState => {
    if (!navigator.onLine) return 'offline'
    if (socket.connected) return 'connected'
    // A failed first attempt (server unreachable) is shown like a dropped link: work goes on locally.
    return presenceEverConnected || presenceFailed ? 'reconnecting' : 'connecting'
  }
  const updatePresence = () => useRoomStore.getState().set({ presence: presenceState() })
  socket.on('connect', () => {
    presenceEverConnected = true
    useRoomStore.getState().set({ presenceError: null })
    updatePresence()
  })
  socket.on('disconnect', updatePresence)
  socket.on('connect_error', (error: Error & { data?: { code?: unknown } }) => {
    // Transport failures ("xhr poll error") are the connection banner's business, not an error text.
    presenceFailed = true
    useRoomStore.getState().set({ presenceError: describeConnectError(error) })
    updatePresence()
  })
  socket.on(SocketEvent.Hello, ({ you }) => {
    useRoomStore.getState().set({ you })
    // The colour the server chose for us; peers (cursors, shared-notes carets) read it from awareness.
    provider.awareness.setLocalStateField('user', { name, userId, color: you.color })
  })
  const onPresence = (change: PresenceChange) => {
    const state = useRoomStore.getState()
    state.set({ participants: applyPresenceChange(state.participants, change) })
  }
  socket.on(SocketEvent.PresenceJoined, (participant) => {
    onPresence({ type: 'joined', participant })
    useRoomStore.getState().notify(`${participant.name} joined as ${participant.role}`)
  })
  socket.on(SocketEvent.PresenceLeft, (participant) => {
    onPresence({ type: 'left', participant })
    useRoomStore.getState().notify(`${participant.name} left`)
  })
  socket.on(SocketEvent.PresenceUpdated, (participant) => onPresence({ type: 'updated', participant }))
  socket.on(SocketEvent.PresenceSnapshot, ({ participants }) => onPresence({ type: 'snapshot', participants }))
  socket.on(SocketEvent.PayloadError, ({ message }) => console.warn(`[presence] ${message}`))
  const detachInterview = attachInterviewClient(socket, onSessionChanged)
  // Until the server answers (or while it cannot be reached) show the interview as this browser
  // last saw it, so a reload offline still has the prompt statement; keep it fresh on every sync.
  const cachedView = cachedInterviewView(roomId)
  if (cachedView && !useInterviewStore.getState().view) useInterviewStore.getState().set({ view: cachedView })
  socket.on(InterviewEvent.State, (view) => cacheInterviewView(roomId, view))

  let hiddenTimer: ReturnType<typeof setTimeout> | null = null
  const onVisibility = () => {
    if (hiddenTimer) clearTimeout(hiddenTimer)
    hiddenTimer = null
    if (document.visibilityState === 'hidden') {
      hiddenTimer = setTimeout(() => socket.emit(SocketEvent.PresenceStatus, { status: 'away' }), AWAY_AFTER_HIDDEN_MS)
    } else {
      socket.emit(SocketEvent.PresenceStatus, { status: 'online' })
    }
  }
  // The browser knows the network is gone before a socket times out: drop both links at
  // once (edits keep going into the local doc) and reconnect the moment it returns.
  const onNetworkChange = () => {
    if (navigator.onLine) {
      provider.connect()
      socket.connect()
    } else {
      provider.disconnect()
      socket.disconnect()
    }
    updateBoard()
    updatePresence()
  }
  // Leave cleanly when the tab goes away, so others see it at once rather than after a timeout;
  // come back if the browser restores the page from its back/forward cache.
  const onPageHide = () => {
    socket.disconnect()
    provider.disconnect()
  }
  const onPageShow = (event: PageTransitionEvent) => {
    if (!event.persisted) return
    socket.connect()
    provider.connect()
  }
  window.addEventListener('pagehide', onPageHide)
  window.addEventListener('pageshow', onPageShow)
  document.addEventListener('visibilitychange', onVisibility)
  window.addEventListener('online', onNetworkChange)
  window.addEventListener('offline', onNetworkChange)
  store.set({ session, board: boardState(), presence: presenceState() })

  const ready = local.whenSynced.then(
    () =>
      new Promise<void>((resolve) => {
        if (provider.synced || !navigator.onLine) return resolve()
        const timer = setTimeout(resolve, FIRST_SYNC_TIMEOUT_MS)
        provider.once('sync', () => {
          clearTimeout(timer)
          resolve()
        })
      })
  )

  return {
    doc,
    provider,
    socket,
    ready,
    destroy() {
      window.removeEventListener('pagehide', onPageHide)
      window.removeEventListener('pageshow', onPageShow)
      document.removeEventListener('visibilitychange', onVisibility)
      window.removeEventListener('online', onNetworkChange)
      window.removeEventListener('offline', onNetworkChange)
      if (hiddenTimer) clearTimeout(hiddenTimer)
      unwatchSaving()
      detachInterview()
      provider.awareness.off('change', onAwareness)
      socket.disconnect()
      provider.destroy()
      void local.destroy()
      doc.destroy()
      useRoomStore.getState().reset()
    },
  }
}
