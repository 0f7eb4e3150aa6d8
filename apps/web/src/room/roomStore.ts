import type { Participant, RoomSession } from '@loopboard/protocol'
import type { PeerAudio } from '../audio/audioStore.ts'
import { create } from 'zustand'

/**
 * What the participant sees of the link to the server:
 * - `connecting`: first attempt, nothing synced yet;
 * - `connected`: board synced and live;
 * - `reconnecting`: the link dropped; edits stay local and merge on return;
 * - `offline`: the browser says it has no network.
 */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline'

export interface RoomState {
  session: RoomSession | null
  /** Our own participant entry, as the server confirmed it. */
  you: Participant | null
  participants: Participant[]
  board: ConnectionState
  presence: ConnectionState
  /** Last presence-channel problem worth showing (e.g. a refused handshake). */
  presenceError: string | null
  /** Why the board cannot be shown or edited here (e.g. it was saved by a newer Loopboard). */
  boardError: string | null
  /** Board edits are not reaching the server's storage (see `watchBoardSaving`). */
  boardNotSaving: boolean
  /** Audio state of everyone in the room, by user id (from awareness). */
  peerAudio: Record<string, PeerAudio>
  /** Short-lived announcements (joins and leaves), newest last. */
  notices: Notice[]
  set: (patch: Partial<Omit<RoomState, 'set' | 'reset' | 'notify'>>) => void
  /** Show a notice for {@link NOTICE_MS}. */
  notify: (text: string) => void
  reset: () => void
}

export interface Notice {
  id: number
  text: string
}

/** How long a join/leave notice stays up. */
export const NOTICE_MS = 4_000
/** At most this many notices at once; older ones give way. */
const MAX_NOTICES = 3
let nextNoticeId = 1

const initial = {
  session: null,
  you: null,
  participants: [],
  board: 'connecting' as ConnectionState,
  presence: 'connecting' as ConnectionState,
  presenceError: null,
  boardError: null as string | null,
  boardNotSaving: false,
  notices: [] as Notice[],
  peerAudio: {} as Record<string, PeerAudio>,
}

export const useRoomStore = create<RoomState>()((set) => ({
  ...initial,
  set: (patch) => set(patch),
  notify: (text) => {
    const notice = { id: nextNoticeId++, text }
    set((s) => ({ notices: [...s.notices, notice].slice(-MAX_NOTICES) }))
    setTimeout(() => set((s) => ({ notices: s.notices.filter((n) => n.id !== notice.id) })), NOTICE_MS)
  },
  reset: () => set(initial),
}))

/** The state to show: the worse of the board and presence links. */
export function overallConnection(board: ConnectionState, presence: ConnectionState): ConnectionState {
  const order: ConnectionState[] = ['connected', 'connecting', 'reconnecting', 'offline']
  return order[Math.max(order.indexOf(board), order.indexOf(presence))]!
}
