import { InterviewEvent, SocketEvent, type CommandAck } from '@loopboard/protocol'
import type { Socket } from 'socket.io-client'
import { describe, expect, it } from 'vitest'
import { createRoom, httpBase, upgradeRefusal, useTestContext, waitFor, wsBase, withTimeout } from './helpers.ts'

const ctx = useTestContext()

async function expect429(res: Response) {
  expect(res.status).toBe(429)
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
  const body = (await res.json()) as { error: { code: string; message: string } }
  expect(body.error.code).toBe('too_many_requests')
  expect(body.error.message).toMatch(/Try again in \d+ s/)
}

const post = (base: string, headers: Record<string, string> = {}) =>
  fetch(`${base}/api/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: '{}',
  })

describe('rate limits per client address', () => {
  it('answers 429 with Retry-After once an address has created its rooms for the minute', async () => {
    const server = await ctx.server({ rateRoomsPerMinute: 2 })
    const base = httpBase(server)
    expect((await post(base)).status).toBe(201)
    expect((await post(base)).status).toBe(201)
    await expect429(await post(base))
    expect(await server.storage.getRoom('x')).toBeNull()
  })

  it('refuses every entry point to an address after too many refused tokens, even with a good one', async () => {
    const server = await ctx.server({ rateAuthFailuresPerMinute: 3 })
    const room = await createRoom(server)
    const session = (token: string) =>
      fetch(`${httpBase(server)}/api/rooms/${room.roomId}/session`, { headers: { authorization: `Bearer ${token}` } })
    for (let i = 0; i < 3; i++) expect((await session(`wrong-${i}`)).status).toBe(403)
    // Over the limit: refused before the credential is looked at.
    await expect429(await session(room.tokens.interviewer))
    const upgrade = await upgradeRefusal(`${wsBase(server)}/${room.roomId}?token=${room.tokens.candidate}`)
    expect(upgrade.status).toBe(429)
    expect(upgrade.body).toMatchObject({ error: { code: 'too_many_requests' } })
    const socket = ctx.presence(server, { roomId: room.roomId, token: room.tokens.candidate, name: 'Cam' })
    const error = await withTimeout(
      new Promise<Error & { data?: { code?: string } }>((resolve) => socket.once('connect_error', resolve)),
      'connect_error'
    )
    expect(error.data?.code).toBe('too_many_requests')
  })

  it('counts /yjs and socket.io failures too, and honours X-Forwarded-For only behind a trusted proxy', async () => {
    const trusting = await ctx.server({ rateAuthFailuresPerMinute: 2, trustProxy: true })
    const room = await createRoom(trusting)
    expect((await upgradeRefusal(`${wsBase(trusting)}/${room.roomId}?token=nope`)).status).toBe(403)
    const socket = ctx.presence(trusting, { roomId: room.roomId, token: 'nope', name: 'Eve' })
    await withTimeout(new Promise((resolve) => socket.once('connect_error', resolve)), 'connect_error')
    // Two failures from 127.0.0.1 (no header): it is now refused; another forwarded address is not.
    const asked = (xff?: string) =>
      fetch(`${httpBase(trusting)}/api/rooms/${room.roomId}/session`, {
        headers: { authorization: `Bearer ${room.tokens.observer}`, ...(xff ? { 'x-forwarded-for': xff } : {}) },
      })
    await expect429(await asked())
    expect((await asked('203.0.113.9, 10.0.0.1')).status).toBe(200)

    // Without TRUST_PROXY the header is anyone's to write: it changes nothing.
    const plain = await ctx.server({ rateAuthFailuresPerMinute: 1 })
    const other = await createRoom(plain)
    const get = (token: string, xff: string) =>
      fetch(`${httpBase(plain)}/api/rooms/${other.roomId}/session`, {
        headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': xff },
      })
    expect((await get('nope', '198.51.100.1')).status).toBe(403)
    await expect429(await get(other.tokens.observer, '198.51.100.2'))
  })
})

describe('socket.io commands per socket', () => {
  it('refuses commands over the budget with an error event, and they change nothing', async () => {
    const server = await ctx.server({ rateSocketCommandsPerSecond: 2 })
    const room = await createRoom(server)
    const socket = ctx.presence(server, {
      roomId: room.roomId,
      token: room.tokens.interviewer,
      name: 'Ivy',
    }) as unknown as Socket
    const errors: Array<{ event: string; message: string }> = []
    socket.on(SocketEvent.PayloadError, (e: { event: string; message: string }) => errors.push(e))
    await waitFor(() => socket.connected, 'connect')
    const acks = await Promise.all(
      Array.from(
        { length: 12 },
        (_, i) => socket.emitWithAck(InterviewEvent.AddNote, { text: `note ${i}` }) as Promise<CommandAck>
      )
    )
    const accepted = acks.filter((a) => a.ok).length
    const refused = acks.filter((a) => !a.ok)
    expect(accepted).toBeGreaterThanOrEqual(4) // the burst: twice the rate
    expect(accepted).toBeLessThan(12)
    for (const ack of refused) expect(ack).toEqual({ ok: false, error: expect.stringMatching(/Too many commands/) })
    await waitFor(() => errors.length === refused.length, 'an error event per refused command')
    expect(errors.every((e) => e.event === InterviewEvent.AddNote)).toBe(true)
    // Only the accepted notes exist.
    expect(await server.interview.notes(room.roomId, 'interviewer')).toHaveLength(accepted)
  })
})
