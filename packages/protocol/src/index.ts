export { PROTOCOL_VERSION } from './version.ts'
export { Role, ROLES, RoleSchema, canEditBoard } from './roles.ts'
export {
  CloseCode,
  DEFAULT_MAX_FRAME_BYTES,
  MAX_NAME_LENGTH,
  MAX_TITLE_LENGTH,
} from './limits.ts'
export {
  ApiErrorCode,
  ApiErrorSchema,
  CreateRoomBodySchema,
  CreateRoomResponseSchema,
  RoomSessionSchema,
  type ApiError,
  type CreateRoomBody,
  type CreateRoomResponse,
  type RoomSession,
} from './rest.ts'
export {
  DisplayNameSchema,
  HandshakeAuthSchema,
  ParticipantSchema,
  PresenceStatus,
  PresenceStatusPayloadSchema,
  PresenceStatusSchema,
  SocketEvent,
  type Ack,
  type ClientToServerEvents,
  type HandshakeAuth,
  type HelloPayload,
  type Participant,
  type PayloadErrorPayload,
  type PresenceStatusPayload,
  type ServerToClientEvents,
} from './presence.ts'
