import { InterviewEvent, MAX_NOTES_PER_AUTHOR, Role, type CommandAck } from '@loopboard/protocol'
import type { Socket } from 'socket.io-client'
import { describe, expect, it } from 'vitest'
import { createRoom, httpBase, useTestContext, waitFor, withTimeout } from './helpers.ts'

const ctx = useTestContext()

describe('private notes are bounded per author', () => {
  it(`refuses an observer's note past MAX_NOTES_PER_AUTHOR (${MAX_NOTES_PER_AUTHOR}); the interviewer's notes carry on`, async () => {
    // All the notes at once: above the per-socket command rate, which is not what this tests.
    const server = await ctx.server({ rateSocketCommandsPerSecond: 10_000 })
    const room = await createRoom(server)
    const observer = ctx.presence(server, {
      roomId: room.roomId,
      token: room.tokens.observer,
      name: 'Oli',
      userId: 'oli',
    }) as unknown as Socket
    await waitFor(() => observer.connected, 'the observer to connect')

    const acks = await withTimeout(
      Promise.all(
        Array.from(
          { length: MAX_NOTES_PER_AUTHOR + 5 },
          (_, i) => observer.emitWithAck(InterviewEvent.AddNote, { text: `n${i}` }) as Promise<CommandAck>
        )
      ),
      'every note to be answered',
      60_000
    )
    expect(acks.filter((a) => a.ok)).toHaveLength(MAX_NOTES_PER_AUTHOR)
    expect(acks.at(-1)).toEqual({ ok: false, error: expect.stringMatching(/at most 500 notes/) })
    expect(await server.interview.notes(room.roomId, Role.Observer)).toHaveLength(MAX_NOTES_PER_AUTHOR)

    // The limit is the author's own: the interviewer still writes, over HTTP too.
    const response = await fetch(`${httpBase(server)}/api/rooms/${room.roomId}/notes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${room.tokens.interviewer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'still mine' }),
    })
    expect(response.status).toBe(201)
  })

  it('answers 409 over HTTP once the interviewer has written MAX_NOTES_PER_AUTHOR notes', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    for (let i = 0; i < MAX_NOTES_PER_AUTHOR; i++)
      await server.interview.addNote(room.roomId, Role.Interviewer, `n${i}`, null)
    const response = await fetch(`${httpBase(server)}/api/rooms/${room.roomId}/notes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${room.tokens.interviewer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'one too many' }),
    })
    expect(response.status).toBe(409)
    expect(await response.json()).toEqual({
      error: { code: 'conflict', message: expect.stringMatching(/at most 500 notes/) },
    })
  })
})
