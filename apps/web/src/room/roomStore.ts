import type { Participant, RoomSession } from '@loopboard/protocol'
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
  set: (patch: Partial<Omit<RoomState, 'set' | 'reset'>>) => void
  reset: () => void
}

const initial = {
  session: null,
  you: null,
  participants: [],
  board: 'connecting' as ConnectionState,
  presence: 'connecting' as ConnectionState,
  presenceError: null,
}

export const useRoomStore = create<RoomState>()((set) => ({
  ...initial,
  set: (patch) => set(patch),
  reset: () => set(initial),
}))

/** The state to show: the worse of the board and presence links. */
export function overallConnection(board: ConnectionState, presence: ConnectionState): ConnectionState {
  const order: ConnectionState[] = ['connected', 'connecting', 'reconnecting', 'offline']
  return order[Math.max(order.indexOf(board), order.indexOf(presence))]!
}
