import { ReplacedLinkResponseSchema, Role } from '@loopboard/protocol'
import { describe, expect, it } from 'vitest'
import { createRoom, httpBase, useTestContext, waitFor } from '../test/helpers.ts'

const ctx = useTestContext()

describe('POST /api/rooms/:id/links/:seat/replace', () => {
  it('gives the seat a new link, refuses the old token everywhere and disconnects what it had open', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    const replace = (token: string, seat: string) =>
      fetch(`${httpBase(server)}/api/rooms/${room.roomId}/links/${seat}/replace`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      })
    const session = (token: string) =>
      fetch(`${httpBase(server)}/api/rooms/${room.roomId}/session`, { headers: { authorization: `Bearer ${token}` } })

    const candidate = ctx.presence(server, {
      roomId: room.roomId,
      token: room.tokens.candidate,
      name: 'Cam',
      userId: 'user-cam',
    })
    const observer = ctx.presence(server, {
      roomId: room.roomId,
      token: room.tokens.observer,
      name: 'Oli',
      userId: 'user-oli',
    })
    await waitFor(() => candidate.connected && observer.connected, 'both to connect')

    // Only the room's creator may; a bad seat is a 400.
    expect((await replace(room.tokens.candidate, Role.Candidate)).status).toBe(403)
    expect((await replace(room.tokens.observer, Role.Candidate)).status).toBe(403)
    expect((await replace(room.tokens.interviewer, 'admin')).status).toBe(400)

    const res = await replace(room.tokens.interviewer, Role.Candidate)
    expect(res.status).toBe(200)
    const body = ReplacedLinkResponseSchema.parse(await res.json())
    expect(body.seat).toBe(Role.Candidate)
    expect(body.token).not.toBe(room.tokens.candidate)
    expect(body.link).toContain(body.token)

    // The old token opens nothing; the new one is the candidate; the open socket was closed.
    expect((await session(room.tokens.candidate)).status).toBe(403)
    expect(await (await session(body.token)).json()).toMatchObject({ role: Role.Candidate })
    await waitFor(() => !candidate.connected, 'the old candidate socket to be disconnected')
    // Others stay.
    expect(observer.connected).toBe(true)
    expect((await session(room.tokens.observer)).status).toBe(200)
  })
})
