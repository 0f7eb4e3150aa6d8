import { z } from 'zod'
import { DisplayNameSchema } from './presence.ts'
import type { RoleSchema } from './roles.ts'

/** Longest audio-token life the server hands out; clients fetch a fresh one to reconnect. */
export const MAX_AUDIO_TOKEN_TTL_S = 15 * 60

/**
 * Body of `POST /api/rooms/<roomId>/audio-token`. The audio identity is the participant id the
 * server derives from the `X-Loopboard-Tab` header, never one the body names.
 */
export const AudioTokenRequestSchema = z
  .object({
    name: DisplayNameSchema,
  })
  .strict()
export type AudioTokenRequest = z.infer<typeof AudioTokenRequestSchema>

export interface IceServer {
  urls: string | string[]
  username?: string
  credential?: string
}

export type AudioTokenResponse =
  | { mode: 'livekit'; url: string; token: string; identity: string; expiresAt: number }
  | { mode: 'p2p'; iceServers: IceServer[]; identity: string }

/** A participant in the peer-to-peer audio mesh. */
export interface AudioPeer {
  /** socket.io id of the peer's room socket; signals are addressed to it. */
  socketId: string
  userId: string
  name: string
  role: z.infer<typeof RoleSchema>
}

const MAX_SDP_CHARS = 64 * 1024

export const AudioSignalSchema = z
  .object({
    to: z.string().min(1).max(64),
    description: z
      .object({ type: z.enum(['offer', 'answer']), sdp: z.string().max(MAX_SDP_CHARS) })
      .strict()
      .optional(),
    candidate: z
      .object({
        candidate: z.string().max(2_048),
        sdpMid: z.string().max(64).nullable().optional(),
        sdpMLineIndex: z.number().int().min(0).max(64).nullable().optional(),
        usernameFragment: z.string().max(256).nullable().optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((s) => !!s.description !== !!s.candidate, 'a signal carries either a description or a candidate')
export type AudioSignal = z.infer<typeof AudioSignalSchema>

export const AudioEvent = {
  Join: 'audio:join',
  Leave: 'audio:leave',
  Signal: 'audio:signal',
  PeerJoined: 'audio:peer-joined',
  PeerLeft: 'audio:peer-left',
  /** C→S, either transport: this participant joined/left the audio or (un)muted (for the timeline). */
  State: 'audio:state',
} as const

export const AudioStateSchema = z.object({ joined: z.boolean(), muted: z.boolean() }).strict()
export type AudioState = z.infer<typeof AudioStateSchema>

type Reply<T> = (ack: ({ ok: true } & T) | { ok: false; error: string }) => void

export interface AudioServerToClient {
  [AudioEvent.PeerJoined]: (peer: AudioPeer) => void
  [AudioEvent.PeerLeft]: (peer: { socketId: string }) => void
  [AudioEvent.Signal]: (signal: Omit<AudioSignal, 'to'> & { from: string }) => void
}

export interface AudioClientToServer {
  [AudioEvent.Join]: (payload: Record<string, never>, ack: Reply<{ peers: AudioPeer[] }>) => void
  [AudioEvent.Leave]: (payload: Record<string, never>, ack?: Reply<object>) => void
  [AudioEvent.Signal]: (payload: AudioSignal, ack?: Reply<object>) => void
  [AudioEvent.State]: (payload: AudioState, ack?: Reply<object>) => void
}
