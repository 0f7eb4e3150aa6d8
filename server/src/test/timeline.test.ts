import { Replayer, fromBase64 } from '@loopboard/board-replay'
import type { Timeline } from '@loopboard/protocol'
import { describe, expect, it } from 'vitest'
import type * as Y from 'yjs'
import { createRoom, docUntil, httpBase, useTestContext, waitFor } from './helpers.ts'

const ctx = useTestContext()

const records = (doc: Y.Doc) => doc.getMap<unknown>('tldraw')

describe('GET /api/rooms/:roomId/timeline', () => {
  it('gives the interviewer every board update (time, author, base64) and the interview events, in order', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    const ivy = await ctx.syncedProvider(server, room.roomId, room.tokens.interviewer)
    const cam = await ctx.syncedProvider(server, room.roomId, room.tokens.candidate)
    const presence = ctx.presence(server, {
      roomId: room.roomId,
      token: room.tokens.candidate,
      name: 'Cam',
      userId: 'cam-1',
    })
    await new Promise<void>((resolve) => presence.on('connect', () => resolve()))

    records(ivy.doc).set('shape:a', { x: 1 })
    await docUntil(cam.doc, (d) => records(d).has('shape:a'), 'shape a to arrive')
    const midway = Date.now()
    await new Promise((r) => setTimeout(r, 20))
    records(cam.doc).set('shape:b', { x: 2 })
    records(cam.doc).delete('shape:a')
    await docUntil(ivy.doc, (d) => records(d).has('shape:b') && !records(d).has('shape:a'), 'the edits to arrive')
    await waitFor(async () => (await server.storage.readUpdates(room.roomId)).length >= 2, 'the updates to be stored')

    const res = await fetch(`${httpBase(server)}/api/rooms/${room.roomId}/timeline`, {
      headers: { Authorization: `Bearer ${room.tokens.interviewer}` },
    })
    expect(res.status).toBe(200)
    const timeline = (await res.json()) as Timeline
    expect(timeline.updates.map((u) => u.author)).toEqual(expect.arrayContaining(['interviewer', 'candidate']))
    const times = timeline.updates.map((u) => u.ts)
    expect(times).toEqual([...times].sort((a, b) => a - b))
    expect(
      timeline.events.some((e) => e.type === 'joined' && e.data.name === 'Cam' && e.data.role === 'candidate')
    ).toBe(true)

    // The updates rebuild the board as it was midway and as it is now.
    const replayer = new Replayer(timeline.updates.map((u) => ({ ts: u.ts, update: fromBase64(u.update) })))
    expect(records(replayer.docAt(midway)).toJSON()).toEqual({ 'shape:a': { x: 1 } })
    expect(records(replayer.docAt(timeline.endedAt!)).toJSON()).toEqual(
      records(server.relay.room(room.roomId).doc).toJSON()
    )
  })

  it('refuses the candidate, the observer and strangers', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    const other = await createRoom(server)
    const status = async (token?: string, roomId = room.roomId) =>
      (
        await fetch(`${httpBase(server)}/api/rooms/${roomId}/timeline`, {
          headers: token ? { Authorization: `Bearer ${token}` } : {},
        })
      ).status
    expect(await status(room.tokens.candidate)).toBe(403)
    expect(await status(room.tokens.observer)).toBe(403)
    expect(await status(other.tokens.interviewer)).toBe(403)
    expect(await status()).toBe(401)
    expect(await status(room.tokens.interviewer, 'nope')).toBe(404)
  })
})
