import { AudioEvent, SocketEvent } from '@loopboard/protocol'
import { describe, expect, it } from 'vitest'
import { createRoom, httpBase, useTestContext, waitFor } from './helpers.ts'

const ctx = useTestContext()

describe('audio state on the session timeline', () => {
  it('records joining, muting, unmuting and leaving the audio, once per change; refuses a malformed state', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    const cam = ctx.presence(server, {
      roomId: room.roomId,
      token: room.tokens.candidate,
      name: 'Cam',
      userId: 'cam-1',
    })
    await new Promise<void>((resolve) => cam.on('connect', () => resolve()))
    const errors: string[] = []
    cam.on(SocketEvent.PayloadError, ({ event }) => errors.push(event))

    for (const state of [
      { joined: true, muted: false },
      { joined: true, muted: false }, // no change: nothing recorded
      { joined: true, muted: true },
      { joined: true, muted: false },
      { joined: false, muted: false },
    ]) {
      expect(await cam.emitWithAck(AudioEvent.State, state)).toEqual({ ok: true })
    }
    expect(await cam.emitWithAck(AudioEvent.State, { joined: 'yes' } as never)).toMatchObject({ ok: false })
    await waitFor(() => errors.includes(AudioEvent.State), 'the payload error')

    const timeline = (await (
      await fetch(`${httpBase(server)}/api/rooms/${room.roomId}/timeline`, {
        headers: { Authorization: `Bearer ${room.tokens.interviewer}` },
      })
    ).json()) as { events: Array<{ type: string; data: { name?: string } }> }
    const audio = timeline.events.filter((e) => ['audio-joined', 'muted', 'unmuted', 'audio-left'].includes(e.type))
    expect(audio.map((e) => e.type)).toEqual(['audio-joined', 'muted', 'unmuted', 'audio-left'])
    expect(audio.every((e) => e.data.name === 'Cam')).toBe(true)
  })
})
