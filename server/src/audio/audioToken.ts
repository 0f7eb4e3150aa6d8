import { Action, may, type AudioTokenResponse, type Role } from '@loopboard/protocol'
import { AccessToken, TrackSource } from 'livekit-server-sdk'
import type { Config } from '../config.ts'

/** The LiveKit room of a Loopboard room. */
export function livekitRoomName(roomId: string): string {
  return `loopboard-${roomId}`
}

/** One identity per participant tab, readable in LiveKit's own tools. */
export function audioIdentity(role: Role, userId: string): string {
  return `${role}:${userId}`
}

export interface AudioTokenInput {
  roomId: string
  role: Role
  /** The link it was asked for with (the seat's role, unless roles are swapped): replacing it removes the participant. */
  seat: Role
  userId: string
  name: string
  now?: number
}

/**
 * What the client needs to join the room's audio. With LiveKit: a short-lived token whose
 * grants come from the role — interviewer and candidate may publish their microphone only,
 * the observer may only listen. Without LiveKit: the peer-to-peer settings.
 */
export async function issueAudioToken(
  config: Pick<Config, 'livekit' | 'audioTokenTtlSeconds' | 'iceServers'>,
  input: AudioTokenInput
): Promise<AudioTokenResponse> {
  const identity = audioIdentity(input.role, input.userId)
  if (!config.livekit) return { mode: 'p2p', iceServers: config.iceServers, identity }
  const { url, apiKey, apiSecret } = config.livekit
  const token = new AccessToken(apiKey, apiSecret, {
    identity,
    name: input.name,
    ttl: config.audioTokenTtlSeconds,
    attributes: { role: input.role, seat: input.seat, userId: input.userId },
  })
  const speaks = may(input.role, Action.SendAudio)
  token.addGrant({
    room: livekitRoomName(input.roomId),
    roomJoin: true,
    canSubscribe: true,
    canPublish: speaks,
    canPublishSources: speaks ? [TrackSource.MICROPHONE] : [],
    canPublishData: false,
    canUpdateOwnMetadata: false,
  })
  const now = input.now ?? Date.now()
  return {
    mode: 'livekit',
    url,
    token: await token.toJwt(),
    identity,
    expiresAt: now + config.audioTokenTtlSeconds * 1000,
  }
}
