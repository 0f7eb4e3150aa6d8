import { MAX_AUDIO_TOKEN_TTL_S, Role, ROLES, type AudioTokenResponse } from '@loopboard/protocol'
import { decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose'
import { TokenVerifier } from 'livekit-server-sdk'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { audioIdentity, issueAudioToken, livekitRoomName } from './audioToken.ts'

const LIVEKIT = {
  url: 'wss://livekit.example.com',
  apiKey: 'APIloopboard',
  apiSecret: 'a-secret-of-at-least-32-chars-xx',
}
const ICE = [
  { urls: ['stun:stun.example.com:3478'] },
  { urls: 'turn:turn.example.com', username: 'u', credential: 'c' },
]

/** A whole second, so `exp`/`nbf` (seconds) and `expiresAt` (ms) can be compared exactly. */
const FROZEN_NOW = Date.UTC(2030, 0, 1, 12, 0, 0)

const livekitConfig = (audioTokenTtlSeconds = 600) => ({ livekit: LIVEKIT, audioTokenTtlSeconds, iceServers: ICE })

/** The claims a LiveKit server reads (it verifies HS256 with the API secret, issuer = API key). */
interface LiveKitClaims extends JWTPayload {
  name?: string
  attributes?: Record<string, string>
  video?: {
    room?: string
    roomJoin?: boolean
    roomAdmin?: boolean
    roomCreate?: boolean
    roomRecord?: boolean
    canSubscribe?: boolean
    canPublish?: boolean
    canPublishSources?: unknown[]
    canPublishData?: boolean
    canUpdateOwnMetadata?: boolean
    hidden?: boolean
  }
}

function livekitOf(res: AudioTokenResponse) {
  if (res.mode !== 'livekit') throw new Error(`expected a livekit response, got ${JSON.stringify(res)}`)
  return res
}

/** Verify the signature (with jose, as LiveKit does) and return the claims. */
async function verified(token: string, secret = LIVEKIT.apiSecret): Promise<LiveKitClaims> {
  const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(secret), {
    issuer: LIVEKIT.apiKey,
    algorithms: ['HS256'],
    requiredClaims: ['exp', 'nbf', 'sub'],
  })
  expect(protectedHeader.alg).toBe('HS256')
  return payload as LiveKitClaims
}

async function mint(role: Role, userId = 'tab-1', name = 'Ann', ttl = 600, seat = role) {
  const res = livekitOf(await issueAudioToken(livekitConfig(ttl), { roomId: 'room123', role, seat, userId, name }))
  return { res, claims: await verified(res.token) }
}

beforeEach(() => {
  // Only the clock: the JWT's nbf/exp and expiresAt all read Date.
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(FROZEN_NOW)
})

afterEach(() => {
  vi.useRealTimers()
})

describe('issueAudioToken with LiveKit', () => {
  it.each(ROLES)('mints a verifiable token for the %s with its identity, name and room', async (role) => {
    const { res, claims } = await mint(role, 'tab-42', 'Ann Lee')
    expect(res).toMatchObject({ mode: 'livekit', url: LIVEKIT.url, identity: `${role}:tab-42` })
    expect(decodeProtectedHeader(res.token)).toMatchObject({ alg: 'HS256' })
    expect(claims.iss).toBe(LIVEKIT.apiKey)
    expect(claims.sub).toBe(`${role}:tab-42`)
    expect(claims.sub).toBe(audioIdentity(role, 'tab-42'))
    expect(claims.name).toBe('Ann Lee')
    expect(claims.attributes).toEqual({ role, seat: role, userId: 'tab-42' })
    expect(claims.video?.room).toBe('loopboard-room123')
    expect(claims.video?.room).toBe(livekitRoomName('room123'))
    expect(claims.video?.roomJoin).toBe(true)
    expect(claims.video?.canSubscribe).toBe(true)
    expect(claims.video?.canPublishData).toBe(false)
    expect(claims.video?.canUpdateOwnMetadata).toBe(false)
    // No administrative powers.
    for (const admin of ['roomAdmin', 'roomCreate', 'roomRecord', 'hidden'] as const) {
      expect(claims.video?.[admin], admin).toBeUndefined()
    }
  })

  it.each([Role.Interviewer, Role.Candidate])('lets the %s publish its microphone and nothing else', async (role) => {
    const { claims } = await mint(role)
    expect(claims.video?.canPublish).toBe(true)
    // LiveKit's server reads the lowercase source names ("microphone", "camera", ...), not the
    // protobuf enum numbers: the SDK serialises TrackSource.MICROPHONE (2) as 'microphone'.
    expect(claims.video?.canPublishSources).toEqual(['microphone'])
  })

  it('lets the observer only listen', async () => {
    const { claims } = await mint(Role.Observer)
    expect(claims.video?.canPublish).toBe(false)
    expect(claims.video?.canPublishSources ?? []).toEqual([])
    expect(claims.video?.canSubscribe).toBe(true)
    expect(claims.video?.canPublishData).toBe(false)
  })

  it('verifies with the SDK’s TokenVerifier and not with another secret', async () => {
    const { res } = await mint(Role.Candidate)
    const grants = await new TokenVerifier(LIVEKIT.apiKey, LIVEKIT.apiSecret).verify(res.token)
    expect(grants.sub).toBe('candidate:tab-1')
    expect(grants.video).toMatchObject({ room: 'loopboard-room123', roomJoin: true, canPublish: true })
    await expect(verified(res.token, 'another-secret-of-32-characters-x')).rejects.toThrow(/signature/)
    await expect(new TokenVerifier('otherKey', LIVEKIT.apiSecret).verify(res.token)).rejects.toThrow(/iss/)
  })

  it.each([60, 600, MAX_AUDIO_TOKEN_TTL_S])('lives exactly the configured %i s', async (ttl) => {
    const { res, claims } = await mint(Role.Candidate, 'tab-1', 'Ann', ttl)
    expect(claims.nbf).toBe(FROZEN_NOW / 1000)
    expect(claims.exp! - claims.nbf!).toBe(ttl)
    if (claims.iat !== undefined) expect(claims.exp! - claims.iat).toBe(ttl)
    expect(claims.exp! - claims.nbf!).toBeLessThanOrEqual(900)
    expect(res.expiresAt).toBe(FROZEN_NOW + ttl * 1000)
    expect(res.expiresAt).toBe(claims.exp! * 1000)
  })

  it('is refused by a verifier once expired', async () => {
    const { res } = await mint(Role.Candidate, 'tab-1', 'Ann', 60)
    vi.setSystemTime(FROZEN_NOW + 60_000 + 11_000) // past exp and the SDK's 10 s tolerance
    await expect(new TokenVerifier(LIVEKIT.apiKey, LIVEKIT.apiSecret).verify(res.token)).rejects.toThrow(/exp/)
  })

  it('gives one identity per tab and role', async () => {
    const identities = new Set<string>()
    for (const role of ROLES) {
      for (const userId of ['tab-1', 'tab-2']) {
        const { claims } = await mint(role, userId)
        identities.add(claims.sub!)
      }
    }
    expect(identities.size).toBe(ROLES.length * 2)
    // The same tab gets the same identity again (a fresh token to reconnect replaces itself).
    const again = await mint(Role.Candidate, 'tab-1')
    expect(again.claims.sub).toBe('candidate:tab-1')
  })

  it('names the link a token was asked with, which a swap of roles makes differ from the role', async () => {
    const { claims } = await mint(Role.Interviewer, 'tab-5', 'Cam', 600, Role.Candidate)
    // Replacing the candidate link removes this participant from the audio (liveKitRoomHooks).
    expect(claims.attributes).toEqual({ role: Role.Interviewer, seat: Role.Candidate, userId: 'tab-5' })
    expect(claims.video?.canPublish).toBe(true)
  })

  it('binds the LiveKit room to the Loopboard room', async () => {
    const a = livekitOf(
      await issueAudioToken(livekitConfig(), {
        roomId: 'roomA',
        role: Role.Candidate,
        seat: Role.Candidate,
        userId: 'u',
        name: 'n',
      })
    )
    const b = livekitOf(
      await issueAudioToken(livekitConfig(), {
        roomId: 'roomB',
        role: Role.Candidate,
        seat: Role.Candidate,
        userId: 'u',
        name: 'n',
      })
    )
    expect((await verified(a.token)).video?.room).toBe('loopboard-roomA')
    expect((await verified(b.token)).video?.room).toBe('loopboard-roomB')
  })
})

describe('issueAudioToken without LiveKit', () => {
  it.each(ROLES)('answers p2p with the configured ICE servers for the %s', async (role) => {
    const res = await issueAudioToken(
      { livekit: null, audioTokenTtlSeconds: 600, iceServers: ICE },
      { roomId: 'room123', role, seat: role, userId: 'tab-9', name: 'Ann' }
    )
    expect(res).toEqual({ mode: 'p2p', iceServers: ICE, identity: `${role}:tab-9` })
  })

  it('answers an empty ICE list by default', async () => {
    const res = await issueAudioToken(
      { livekit: null, audioTokenTtlSeconds: 600, iceServers: [] },
      { roomId: 'room123', role: Role.Observer, seat: Role.Observer, userId: 'tab-9', name: 'Ann' }
    )
    expect(res).toEqual({ mode: 'p2p', iceServers: [], identity: 'observer:tab-9' })
  })
})
