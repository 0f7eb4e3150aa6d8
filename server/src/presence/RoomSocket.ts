import type { ClientToServerEvents, Participant, Role, ServerToClientEvents } from '@loopboard/protocol'
import type { Socket } from 'socket.io'

/** What the server knows of a socket.io connection, set once its handshake is authenticated. */
export interface SocketData {
  roomId: string
  /** The link this socket came in with; its role can change (peer mocks swap roles). */
  seat: Role
  participant: Participant
}

/** An authenticated socket.io connection to one room. */
export type RoomSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>
