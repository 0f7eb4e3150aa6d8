export { PROTOCOL_VERSION } from './version.ts'
export { Role, ROLES, RoleSchema, canEditBoard } from './roles.ts'
export { CloseCode, DEFAULT_MAX_FRAME_BYTES, MAX_NAME_LENGTH, MAX_TITLE_LENGTH } from './limits.ts'
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
  type HandshakeAuth,
  type HelloPayload,
  type Participant,
  type PayloadErrorPayload,
  type PresenceStatusPayload,
} from './presence.ts'
export type { ClientToServerEvents, ServerToClientEvents } from './events.ts'
export {
  clockOffsetMs,
  formatClock,
  InterviewStatus,
  phaseElapsedMs,
  phaseRemainingMs,
  type PhaseClock,
} from './timer.ts'
export {
  AddNoteSchema,
  AddPromptSchema,
  ControlAction,
  ControlSchema,
  CustomPromptInputSchema,
  EmptySchema,
  InterviewEvent,
  MAX_COMMENT_LENGTH,
  MAX_CUSTOM_PROMPTS,
  MAX_FEEDBACK_LENGTH,
  MAX_NOTE_LENGTH,
  PublishFeedbackSchema,
  RECOMMENDATIONS,
  ScorecardSchema,
  SetPromptSchema,
  type AddNoteInput,
  type CommandAck,
  type CustomPromptInput,
  type Feedback,
  type InterviewerView,
  type InterviewView,
  type Note,
  type Recommendation,
  type Scorecard,
} from './interview.ts'
