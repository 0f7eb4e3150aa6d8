import { Role, type ReviewResponse, type Timeline } from '@loopboard/protocol'
import { strFromU8, unzipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { createRoom, httpBase, useTestContext, type TestServer } from '../test/helpers.ts'

const ctx = useTestContext()

const get = (server: TestServer, path: string, token: string, init: RequestInit = {}) =>
  fetch(`${httpBase(server)}/api/rooms/${path}`, { ...init, headers: { authorization: `Bearer ${token}` } })

const card = (summary: string) => ({ scores: {}, recommendation: 'yes' as const, summary })

/** Two rounds: the interviewer's link runs round 1, the candidate's link (after a swap) round 2. */
async function twoRounds() {
  const server = await ctx.server()
  const room = await createRoom(server)
  const { interview } = server
  await interview.addNote(room.roomId, Role.Interviewer, 'R1-NOTE', null)
  await interview.saveScorecard(room.roomId, Role.Interviewer, card('R1-CARD'))
  await interview.publishFeedback(room.roomId, Role.Interviewer, 'R1-FEEDBACK')
  await new Promise((r) => setTimeout(r, 5)) // the swap gets a later server time than round 1's events
  await interview.swapRoles(room.roomId)
  await interview.addNote(room.roomId, Role.Candidate, 'R2-NOTE', null)
  await interview.saveScorecard(room.roomId, Role.Candidate, card('R2-CARD'))
  return { server, room }
}

describe('review per round after a swap', () => {
  it('gives each link the review of the round it ran, and nothing of the other’s', async () => {
    const { server, room } = await twoRounds()
    const { interviewer, candidate, observer } = room.tokens

    const first = await get(server, `${room.roomId}/review`, interviewer)
    expect(first.status).toBe(200)
    const r1 = (await first.json()) as ReviewResponse
    expect(r1).toMatchObject({ round: 1, rounds: [1], scorecard: { summary: 'R1-CARD' } })
    expect(r1.notes.map((n) => n.text)).toEqual(['R1-NOTE'])
    expect(r1.feedback?.markdown).toBe('R1-FEEDBACK')

    const second = await get(server, `${room.roomId}/review`, candidate)
    expect(second.status).toBe(200)
    const body = await second.text()
    const r2 = JSON.parse(body) as ReviewResponse
    expect(r2).toMatchObject({ round: 2, rounds: [2], scorecard: { summary: 'R2-CARD' }, feedback: null })
    expect(r2.notes.map((n) => n.text)).toEqual(['R2-NOTE'])
    expect(body).not.toMatch(/R1-/)

    // Asking for the other's round, or being the observer: 403. A malformed round: 400.
    for (const path of ['review', 'timeline', 'archive']) {
      expect((await get(server, `${room.roomId}/${path}?round=1`, candidate)).status).toBe(403)
      expect((await get(server, `${room.roomId}/${path}?round=2`, interviewer)).status).toBe(403)
      expect((await get(server, `${room.roomId}/${path}`, observer)).status).toBe(403)
      expect((await get(server, `${room.roomId}/${path}?round=first`, interviewer)).status).toBe(400)
    }
    expect((await get(server, `${room.roomId}/review?round=1`, interviewer)).status).toBe(200)
  })

  it('cuts the timeline and the archive to the round', async () => {
    const { server, room } = await twoRounds()
    const swap = (await server.interview.events(room.roomId)).find((e) => e.type === 'roles-swapped')!
    const t1 = (await (await get(server, `${room.roomId}/timeline`, room.tokens.interviewer)).json()) as Timeline
    const t2 = (await (await get(server, `${room.roomId}/timeline`, room.tokens.candidate)).json()) as Timeline
    expect(t1.events.length).toBeGreaterThan(0)
    expect(t1.events.every((e) => e.ts < swap.ts)).toBe(true)
    expect(t2.events.every((e) => e.ts >= swap.ts)).toBe(true)
    expect(t2.events.map((e) => e.type)).toContain('roles-swapped')

    const zip = (token: string) =>
      get(server, `${room.roomId}/archive`, token)
        .then((r) => r.arrayBuffer())
        .then((b) => unzipSync(new Uint8Array(b)))
    const a1 = await zip(room.tokens.interviewer)
    expect(strFromU8(a1['feedback.md']!)).toContain('R1-FEEDBACK')
    const a2 = await zip(room.tokens.candidate)
    expect(a2['feedback.md']).toBeUndefined()
    expect(strFromU8(a2['timeline.json']!)).not.toContain('R1-')
  })

  it('lets only the seat that created the room delete it, whatever role it plays now', async () => {
    const { server, room } = await twoRounds()
    // The candidate's link is the interviewer now, but the session is not theirs to delete.
    expect((await get(server, room.roomId, room.tokens.candidate, { method: 'DELETE' })).status).toBe(403)
    expect((await get(server, room.roomId, room.tokens.observer, { method: 'DELETE' })).status).toBe(403)
    expect((await get(server, room.roomId, room.tokens.interviewer, { method: 'DELETE' })).status).toBe(204)
  })
})
