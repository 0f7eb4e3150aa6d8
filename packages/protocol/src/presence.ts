import { z } from 'zod'
import { MAX_NAME_LENGTH } from './limits.ts'
import { TabSecretSchema } from './participant.ts'
import { RoleSchema } from './roles.ts'

export const PresenceStatus = { Online: 'online', Away: 'away' } as const
export const PresenceStatusSchema = z.enum([PresenceStatus.Online, PresenceStatus.Away])
export type PresenceStatus = z.infer<typeof PresenceStatusSchema>

export const DisplayNameSchema = z.string().trim().min(1).max(MAX_NAME_LENGTH)

/**
 * socket.io handshake `auth` payload. `tab` is the tab's secret (see `TabSecretSchema`): the
 * server derives the participant id from it, so reconnects keep their id. Without one, the
 * connection gets a fresh id of its own. Any `userId` a client sends is ignored.
 */
export const HandshakeAuthSchema = z.object({
  roomId: z.string().min(1).max(64),
  token: z.string().min(1).max(256),
  name: DisplayNameSchema,
  tab: TabSecretSchema.optional(),
  protocolVersion: z.number().int(),
})
export type HandshakeAuth = z.infer<typeof HandshakeAuthSchema>

/**
 * Participant colours (cursor, avatar, caret), readable on the light canvas and apart from each
 * other. The server hands each participant of a room the first one nobody present holds.
 */
export const PARTICIPANT_COLORS = [
  '#e03131',
  '#1971c2',
  '#2f9e44',
  '#f08c00',
  '#9c36b5',
  '#0c8599',
  '#c2255c',
  '#5f3dc4',
  '#66a80f',
  '#e8590c',
  '#3b5bdb',
  '#862e9c',
] as const

/** One participant as everyone in the room sees them. */
export const ParticipantSchema = z.object({
  /** The socket id: unique per connection. */
  id: z.string(),
  /** The participant id, issued by the server (also the tldraw presence and audio identity). */
  userId: z.string(),
  name: z.string(),
  role: RoleSchema,
  status: PresenceStatusSchema,
  joinedAt: z.number(),
  /** Assigned by the server, distinct among the people in the room (see {@link PARTICIPANT_COLORS}). */
  color: z.string(),
})
export type Participant = z.infer<typeof ParticipantSchema>

export const PresenceStatusPayloadSchema = z.object({ status: PresenceStatusSchema }).strict()
export type PresenceStatusPayload = z.infer<typeof PresenceStatusPayloadSchema>

/** Event names, as wire strings. */
export const SocketEvent = {
  Hello: 'hello',
  PresenceSnapshot: 'presence:snapshot',
  PresenceJoined: 'presence:joined',
  PresenceLeft: 'presence:left',
  PresenceUpdated: 'presence:updated',
  PresenceStatus: 'presence:status',
  PayloadError: 'error:payload',
} as const

/**
 * What the server sends about who is here: the whole list once, to a socket that joins (and to
 * everyone after a role swap), then only changes — so a join costs the room O(n), not O(n²).
 */
export type PresenceChange =
  { type: 'snapshot'; participants: Participant[] } | { type: 'joined' | 'updated' | 'left'; participant: Participant }

/** The participant list after `change`, oldest first (a pure function: client store and tests share it). */
export function applyPresenceChange(list: readonly Participant[], change: PresenceChange): Participant[] {
  if (change.type === 'snapshot') return [...change.participants]
  const others = list.filter((p) => p.id !== change.participant.id)
  if (change.type === 'left') return others
  return [...others, change.participant].sort((a, b) => a.joinedAt - b.joinedAt)
}

export interface HelloPayload {
  protocolVersion: number
  you: Participant
}

export interface PayloadErrorPayload {
  event: string
  message: string
}

/** Acknowledgement of a client → server event. */
export type Ack = { ok: true } | { ok: false; error: string }

export interface PresenceServerToClient {
  [SocketEvent.Hello]: (payload: HelloPayload) => void
  [SocketEvent.PresenceSnapshot]: (payload: { participants: Participant[] }) => void
  [SocketEvent.PresenceJoined]: (participant: Participant) => void
  [SocketEvent.PresenceLeft]: (participant: Participant) => void
  [SocketEvent.PresenceUpdated]: (participant: Participant) => void
  [SocketEvent.PayloadError]: (payload: PayloadErrorPayload) => void
}

export interface PresenceClientToServer {
  [SocketEvent.PresenceStatus]: (payload: PresenceStatusPayload, ack?: (ack: Ack) => void) => void
}
