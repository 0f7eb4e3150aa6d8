import {
  MAX_AUDIO_TOKEN_TTL_S,
  MAX_NAME_LENGTH,
  Role,
  ROLES,
  TAB_SECRET_HEADER,
  type AudioTokenResponse,
} from '@loopboard/protocol'
import { jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../config.ts'
import type { LoopboardServer } from '../createServer.ts'
import { participantIdFor } from '../rooms/participantId.ts'
import { createRoom, httpBase, useTestContext } from '../test/helpers.ts'

const ctx = useTestContext()

/** What an operator would put in the environment; nothing ever connects to it. */
const LIVEKIT_ENV = {
  LIVEKIT_URL: 'wss://livekit.example.com',
  LIVEKIT_API_KEY: 'APIloopboard',
  LIVEKIT_API_SECRET: 'a-secret-of-at-least-32-chars-xx',
}
const ICE_ENV = {
  ICE_SERVERS:
    '[{"urls":"stun:stun.example.com:3478"},{"urls":["turn:t.example.com"],"username":"u","credential":"c"}]',
}

/** A server configured from an environment, as main.ts does. */
async function serverWithEnv(env: Record<string, string>) {
  const { livekit, audioTokenTtlSeconds, iceServers } = loadConfig(env)
  return ctx.server({ livekit, audioTokenTtlSeconds, iceServers })
}

/** The tab secret these requests carry, as a browser tab sends it. */
const TAB = 'tab-secret-of-the-test-tab-0001'
/** The participant id the server derives for `seat`'s tab {@link TAB}: the audio identity's second half. */
const pid = (roomId: string, seat: Role, tab = TAB) => participantIdFor(roomId, seat, tab)

function audioToken(server: LoopboardServer, roomId: string, token: string | undefined, body: string, tab = TAB) {
  return fetch(`${httpBase(server)}/api/rooms/${encodeURIComponent(roomId)}/audio-token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [TAB_SECRET_HEADER]: tab,
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body,
  })
}

const goodBody = (name = 'Ann') => JSON.stringify({ name })

async function expectApiError(res: Response, status: number, code: string, message?: RegExp) {
  expect(res.status).toBe(status)
  expect(res.headers.get('content-type')).toMatch(/application\/json/)
  const body = (await res.json()) as { error: { code: string; message: string } }
  expect(body.error.code).toBe(code)
  expect(body.error.message.length).toBeGreaterThan(0)
  if (message) expect(body.error.message).toMatch(message)
  return body.error.message
}

async function claimsOf(token: string) {
  const { payload } = await jwtVerify(token, new TextEncoder().encode(LIVEKIT_ENV.LIVEKIT_API_SECRET), {
    issuer: LIVEKIT_ENV.LIVEKIT_API_KEY,
    algorithms: ['HS256'],
  })
  return payload as typeof payload & { name?: string; video?: Record<string, unknown> }
}

describe('POST /api/rooms/:roomId/audio-token with LiveKit configured', () => {
  it('answers each role with a LiveKit token whose grants come from the capability token', async () => {
    const server = await serverWithEnv({ ...LIVEKIT_ENV, AUDIO_TOKEN_TTL_SECONDS: '300' })
    const room = await createRoom(server)
    for (const role of ROLES) {
      const before = Date.now()
      const res = await audioToken(server, room.roomId, room.tokens[role], goodBody(`  ${role} name `))
      expect(res.status, role).toBe(200)
      const body = (await res.json()) as AudioTokenResponse
      if (body.mode !== 'livekit') throw new Error(`expected livekit, got ${JSON.stringify(body)}`)
      expect(body.url).toBe(LIVEKIT_ENV.LIVEKIT_URL)
      expect(body.identity).toBe(`${role}:${pid(room.roomId, role)}`)
      expect(body.expiresAt).toBeGreaterThanOrEqual(before + 300_000)
      expect(body.expiresAt).toBeLessThanOrEqual(Date.now() + 300_000)

      const claims = await claimsOf(body.token)
      expect(claims.sub).toBe(`${role}:${pid(room.roomId, role)}`)
      expect(claims.name).toBe(`${role} name`)
      expect(claims.exp! - claims.nbf!).toBeGreaterThanOrEqual(299) // seconds are floored separately
      expect(claims.exp! - claims.nbf!).toBeLessThanOrEqual(300)
      expect(Math.abs(claims.exp! * 1000 - body.expiresAt)).toBeLessThan(1_000)
      const speaks = role !== Role.Observer
      expect(claims.video).toMatchObject({
        room: `loopboard-${room.roomId}`,
        roomJoin: true,
        canSubscribe: true,
        canPublish: speaks,
        canPublishData: false,
      })
      expect(claims.video?.canPublishSources ?? []).toEqual(speaks ? ['microphone'] : [])
    }
  })

  it('does not let the body choose the role', async () => {
    const server = await serverWithEnv(LIVEKIT_ENV)
    const room = await createRoom(server)
    const res = await audioToken(
      server,
      room.roomId,
      room.tokens.observer,
      JSON.stringify({ name: 'Olga', role: 'interviewer' })
    )
    await expectApiError(res, 400, 'bad_request')
  })

  it('follows the role a link plays now, after a peer-mock role swap', async () => {
    const server = await serverWithEnv(LIVEKIT_ENV)
    const room = await createRoom(server)
    await server.interview.swapRoles(room.roomId)
    const expected = { interviewer: 'candidate', candidate: 'interviewer', observer: 'observer' } as const
    for (const seat of ROLES) {
      const res = await audioToken(server, room.roomId, room.tokens[seat], goodBody())
      const body = (await res.json()) as AudioTokenResponse
      if (body.mode !== 'livekit') throw new Error('expected livekit')
      // The identity follows the role; the participant id stays the seat's tab's.
      expect(body.identity, seat).toBe(`${expected[seat]}:${pid(room.roomId, seat)}`)
      expect((await claimsOf(body.token)).sub).toBe(`${expected[seat]}:${pid(room.roomId, seat)}`)
    }
  })

  it('caps the token life at 15 minutes', async () => {
    const server = await serverWithEnv({ ...LIVEKIT_ENV, AUDIO_TOKEN_TTL_SECONDS: String(MAX_AUDIO_TOKEN_TTL_S) })
    const room = await createRoom(server)
    const res = await audioToken(server, room.roomId, room.tokens.candidate, goodBody())
    const body = (await res.json()) as AudioTokenResponse
    if (body.mode !== 'livekit') throw new Error('expected livekit')
    const claims = await claimsOf(body.token)
    expect(claims.exp! - claims.nbf!).toBeLessThanOrEqual(900)
  })
})

describe('POST /api/rooms/:roomId/audio-token identity', () => {
  it('is the participant of the sender’s own tab: the same tab keeps it, another tab gets another', async () => {
    const server = await serverWithEnv(LIVEKIT_ENV)
    const room = await createRoom(server)
    const identity = async (tab: string) => {
      const body = (await (await audioToken(server, room.roomId, room.tokens.candidate, goodBody(), tab)).json()) as {
        identity: string
      }
      return body.identity
    }
    const first = await identity(TAB)
    expect(await identity(TAB)).toBe(first)
    expect(await identity('another-tab-secret-of-22+chars')).not.toBe(first)
    // The observer's link cannot reach the candidate's participant with the candidate's tab secret.
    const observer = (await (await audioToken(server, room.roomId, room.tokens.observer, goodBody(), TAB)).json()) as {
      identity: string
    }
    expect(observer.identity.split(':')[1]).not.toBe(first.split(':')[1])
  })
})

describe('POST /api/rooms/:roomId/audio-token without LiveKit', () => {
  it('answers p2p with the configured ICE servers and no token', async () => {
    const server = await serverWithEnv(ICE_ENV)
    const room = await createRoom(server)
    for (const role of ROLES) {
      const res = await audioToken(server, room.roomId, room.tokens[role], goodBody())
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({
        mode: 'p2p',
        identity: `${role}:${pid(room.roomId, role)}`,
        iceServers: [
          { urls: 'stun:stun.example.com:3478' },
          { urls: ['turn:t.example.com'], username: 'u', credential: 'c' },
        ],
      })
    }
  })

  it('answers an empty ICE list by default', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    const res = await audioToken(server, room.roomId, room.tokens.candidate, goodBody())
    expect(await res.json()).toEqual({
      mode: 'p2p',
      identity: `candidate:${pid(room.roomId, 'candidate')}`,
      iceServers: [],
    })
  })
})

describe('POST /api/rooms/:roomId/audio-token refusals', () => {
  it('refuses a missing token with 401, a wrong one with 403 and an unknown room with 404', async () => {
    const server = await serverWithEnv(LIVEKIT_ENV)
    const room = await createRoom(server)
    const other = await createRoom(server)
    await expectApiError(await audioToken(server, room.roomId, undefined, goodBody()), 401, 'unauthorized')
    const basic = await fetch(`${httpBase(server)}/api/rooms/${room.roomId}/audio-token`, {
      method: 'POST',
      headers: { authorization: `Basic ${room.tokens.interviewer}` },
      body: goodBody(),
    })
    await expectApiError(basic, 401, 'unauthorized')
    await expectApiError(await audioToken(server, room.roomId, 'x'.repeat(43), goodBody()), 403, 'forbidden')
    await expectApiError(await audioToken(server, room.roomId, other.tokens.interviewer, goodBody()), 403, 'forbidden')
    await expectApiError(
      await audioToken(server, 'no-such-room', room.tokens.interviewer, goodBody()),
      404,
      'not_found'
    )
  })

  it.each<[string, string, RegExp?]>([
    ['a userId (identities are the server’s to issue)', JSON.stringify({ userId: 'u1', name: 'Ann' }), /userId/],
    ['no name', JSON.stringify({}), /name/],
    ['a blank name', JSON.stringify({ name: '   ' }), /name/],
    ['a name too long', JSON.stringify({ name: 'n'.repeat(MAX_NAME_LENGTH + 1) }), /name/],
    ['an unknown field', JSON.stringify({ name: 'Ann', admin: true }), /admin/],
    ['text that is not JSON', '{"name": "Ann"', /JSON/],
    ['an empty body', '', /JSON/],
    ['an array', '[]'],
    ['null', 'null'],
  ])('refuses %s with 400', async (_label, body, message) => {
    const server = await serverWithEnv(LIVEKIT_ENV)
    const room = await createRoom(server)
    await expectApiError(
      await audioToken(server, room.roomId, room.tokens.candidate, body),
      400,
      'bad_request',
      message
    )
  })

  it('refuses a body over 4 KiB with 413 and accepts one of exactly 4 KiB', async () => {
    const server = await serverWithEnv(LIVEKIT_ENV)
    const room = await createRoom(server)
    const padded = (bytes: number) => goodBody() + ' '.repeat(bytes - goodBody().length)
    expect(padded(4096)).toHaveLength(4096)
    const atLimit = await audioToken(server, room.roomId, room.tokens.candidate, padded(4096))
    expect(atLimit.status).toBe(200)
    await expectApiError(
      await audioToken(server, room.roomId, room.tokens.candidate, padded(4097)),
      413,
      'payload_too_large'
    )
    await expectApiError(
      await audioToken(server, room.roomId, room.tokens.candidate, JSON.stringify({ name: 'x'.repeat(100_000) })),
      413,
      'payload_too_large'
    )
  })
})

describe('audio configuration', () => {
  it('reads LiveKit when all three variables are set, and none means p2p', () => {
    expect(loadConfig(LIVEKIT_ENV).livekit).toEqual({
      url: LIVEKIT_ENV.LIVEKIT_URL,
      apiKey: LIVEKIT_ENV.LIVEKIT_API_KEY,
      apiSecret: LIVEKIT_ENV.LIVEKIT_API_SECRET,
    })
    const none = loadConfig({})
    expect(none.livekit).toBeNull()
    expect(none.iceServers).toEqual([])
    expect(none.audioTokenTtlSeconds).toBeLessThanOrEqual(MAX_AUDIO_TOKEN_TTL_S)
    // Empty values count as unset.
    expect(loadConfig({ LIVEKIT_URL: '', LIVEKIT_API_KEY: '', LIVEKIT_API_SECRET: '' }).livekit).toBeNull()
  })

  it.each(Object.keys(LIVEKIT_ENV))('refuses a LiveKit configuration without %s, naming all three', (missing) => {
    const env: Record<string, string> = { ...LIVEKIT_ENV }
    delete env[missing]
    expect(() => loadConfig(env)).toThrow(/LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET/)
  })

  it.each(Object.keys(LIVEKIT_ENV))('refuses %s alone', (only) => {
    const env = { [only]: LIVEKIT_ENV[only as keyof typeof LIVEKIT_ENV] }
    expect(() => loadConfig(env)).toThrow(/LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET/)
  })

  it('reads ICE_SERVERS as JSON and refuses anything else', () => {
    expect(loadConfig(ICE_ENV).iceServers).toEqual([
      { urls: 'stun:stun.example.com:3478' },
      { urls: ['turn:t.example.com'], username: 'u', credential: 'c' },
    ])
    for (const ICE_SERVERS of [
      'stun:stun.example.com',
      '[{"urls":',
      '{"urls":"stun:x"}',
      '[{"url":"stun:x"}]',
      '[{"urls":3}]',
      '[{"urls":"stun:x","extra":1}]',
    ]) {
      expect(() => loadConfig({ ICE_SERVERS }), ICE_SERVERS).toThrow(/Invalid configuration[\s\S]*ICE_SERVERS/)
    }
  })

  it('bounds AUDIO_TOKEN_TTL_SECONDS to 60..900', () => {
    expect(loadConfig({ AUDIO_TOKEN_TTL_SECONDS: '900' }).audioTokenTtlSeconds).toBe(900)
    expect(loadConfig({ AUDIO_TOKEN_TTL_SECONDS: '60' }).audioTokenTtlSeconds).toBe(60)
    for (const AUDIO_TOKEN_TTL_SECONDS of ['901', '3600', '59', '0', '-1', '1.5', 'ten']) {
      expect(() => loadConfig({ AUDIO_TOKEN_TTL_SECONDS }), AUDIO_TOKEN_TTL_SECONDS).toThrow(
        /Invalid configuration[\s\S]*AUDIO_TOKEN_TTL_SECONDS/
      )
    }
  })

  it('refuses a LIVEKIT_URL that is not a URL', () => {
    expect(() => loadConfig({ ...LIVEKIT_ENV, LIVEKIT_URL: 'livekit here' })).toThrow(
      /Invalid configuration[\s\S]*LIVEKIT_URL/
    )
  })
})
