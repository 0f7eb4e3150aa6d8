import type { TokenBucket } from '../sync/TokenBucket.ts'
import type { ClientToServerEvents, Participant, Role, ServerToClientEvents } from '@loopboard/protocol'
import type { Socket } from 'socket.io'

/** What the server knows of a socket.io connection, set once its handshake is authenticated. */
export interface SocketData {
  roomId: string
  /** The link this socket came in with; its role can change (peer mocks swap roles). */
  seat: Role
  participant: Participant
  /** Commands this socket may still send now (token bucket); see `onCommand`. */
  commandBudget?: TokenBucket
}

/** An authenticated socket.io connection to one room. */
export type RoomSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>
