import { z } from 'zod'
import { MAX_TITLE_LENGTH } from './limits.ts'
import { RoleSchema } from './roles.ts'

/** Body of `POST /api/rooms`. Every field is optional; an empty body is fine. */
export const CreateRoomBodySchema = z
  .object({
    title: z.string().trim().min(1).max(MAX_TITLE_LENGTH).optional(),
  })
  .strict()
export type CreateRoomBody = z.infer<typeof CreateRoomBodySchema>

const RoleRecord = <T extends z.ZodType>(value: T) =>
  z.object({ interviewer: value, candidate: value, observer: value })

/** `201` answer of `POST /api/rooms`. Tokens are shown once; the server keeps only hashes. */
export const CreateRoomResponseSchema = z.object({
  roomId: z.string(),
  title: z.string(),
  links: RoleRecord(z.url()),
  tokens: RoleRecord(z.string()),
})
export type CreateRoomResponse = z.infer<typeof CreateRoomResponseSchema>

/** `200` answer of `POST /api/rooms/<roomId>/links/<seat>/replace`: the seat's new link (shown once). */
export const ReplacedLinkResponseSchema = z.object({ seat: RoleSchema, token: z.string(), link: z.url() })
export type ReplacedLinkResponse = z.infer<typeof ReplacedLinkResponseSchema>

/** `GET /api/rooms/<roomId>/session` with a capability token: who the bearer is in this room. */
export const RoomSessionSchema = z.object({
  roomId: z.string(),
  title: z.string(),
  role: RoleSchema,
  createdAt: z.number(),
  protocolVersion: z.number(),
  /** This tab's participant id, when the request carried its `X-Loopboard-Tab` secret. */
  participantId: z.string().optional(),
})
export type RoomSession = z.infer<typeof RoomSessionSchema>

/** How this server creates rooms: by anyone, or only with an interviewer key. */
export const RoomCreation = { Open: 'open', Restricted: 'restricted' } as const
export type RoomCreation = (typeof RoomCreation)[keyof typeof RoomCreation]

/** `GET /api/config` (public): what the landing page needs to know about this server. */
export const ServerInfoSchema = z.object({
  roomCreation: z.enum([RoomCreation.Open, RoomCreation.Restricted]),
  protocolVersion: z.number(),
})
export type ServerInfo = z.infer<typeof ServerInfoSchema>

/** Every non-2xx JSON answer of the API. `code` is stable; `message` is for people. */
export const ApiErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
})
export type ApiError = z.infer<typeof ApiErrorSchema>

/** Stable error codes of the API. */
export const ApiErrorCode = {
  BadRequest: 'bad_request',
  Unauthorized: 'unauthorized',
  Forbidden: 'forbidden',
  NotFound: 'not_found',
  PayloadTooLarge: 'payload_too_large',
  Conflict: 'conflict',
  TooManyRequests: 'too_many_requests',
  Internal: 'internal',
  /** The server cannot reach its storage right now (503 with Retry-After): try again shortly. */
  Unavailable: 'unavailable',
} as const
