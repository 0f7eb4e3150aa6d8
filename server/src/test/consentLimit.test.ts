import {
  MAX_CONSENTS_PER_ROOM,
  RecordingEvent,
  SocketEvent,
  type CommandAck,
  type HelloPayload,
  type RecordingState,
} from '@loopboard/protocol'
import type { Socket } from 'socket.io-client'
import { describe, expect, it } from 'vitest'
import { createRoom, newTabSecret, useTestContext, waitFor, withTimeout } from './helpers.ts'

const ctx = useTestContext()

describe('recording consent is bounded per room', () => {
  it(`remembers at most MAX_CONSENTS_PER_ROOM (${MAX_CONSENTS_PER_ROOM}) answers, forgetting absent ones first; a present participant keeps theirs`, async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    const join = async (token: string, name: string) => {
      const socket = ctx.presence(server, {
        roomId: room.roomId,
        token,
        name,
        tab: newTabSecret(),
      }) as unknown as Socket
      let you = ''
      const states: RecordingState[] = []
      socket.on(SocketEvent.Hello, (hello: HelloPayload) => (you = hello.you.userId))
      socket.on(RecordingEvent.State, (state: RecordingState) => states.push(state))
      await waitFor(() => you !== '' && states.length > 0, `${name} to join`)
      const ack = await withTimeout(
        socket.emitWithAck(RecordingEvent.Consent, { consent: true }) as Promise<CommandAck>,
        `${name}: consent`
      )
      expect(ack).toEqual({ ok: true })
      return { socket, you, states }
    }

    const candidate = await join(room.tokens.candidate, 'Cam')
    // Someone with the observer link comes back as a new participant again and again.
    for (let i = 0; i < MAX_CONSENTS_PER_ROOM + 20; i++) {
      const visit = await join(room.tokens.observer, `Visit ${i}`)
      visit.socket.disconnect()
      await waitFor(() => server.presence.socketsIn(room.roomId).length === 1, 'the visit to leave')
    }

    const state = await server.recordings.state(room.roomId)
    expect(state.consented.length + (state.declined ?? []).length).toBeLessThanOrEqual(MAX_CONSENTS_PER_ROOM)
    expect(state.consented).toContain(candidate.you)
    expect(candidate.states.at(-1)!.consented.length).toBeLessThanOrEqual(MAX_CONSENTS_PER_ROOM)
  })
})
