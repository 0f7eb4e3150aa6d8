import { AudioEvent, ControlAction, InterviewEvent, TimelineEventType, type CommandAck } from '@loopboard/protocol'
import type { Socket } from 'socket.io-client'
import { describe, expect, it } from 'vitest'
import { MAX_RECORDED_EVENTS_PER_ROOM } from '../interview/InterviewService.ts'
import { createRoom, newTabSecret, useTestContext, waitFor, withTimeout } from './helpers.ts'

const ctx = useTestContext()

describe('participation events on the timeline are bounded per room', () => {
  it(`keeps at most MAX_RECORDED_EVENTS_PER_ROOM (${MAX_RECORDED_EVENTS_PER_ROOM}) joins, leaves and mutes; the interview's own events carry on`, async () => {
    // Thousands of audio:state commands at once: above the per-socket command rate, which is not what this tests.
    const server = await ctx.server({ rateSocketCommandsPerSecond: 100_000 })
    const room = await createRoom(server)
    const connect = async (token: string, name: string) => {
      const socket = ctx.presence(server, {
        roomId: room.roomId,
        token,
        name,
        tab: newTabSecret(),
      }) as unknown as Socket
      await waitFor(() => socket.connected, `${name} to connect`)
      return socket
    }
    const interviewer = await connect(room.tokens.interviewer, 'Ivy')
    const candidate = await connect(room.tokens.candidate, 'Cam')

    // The candidate toggles mute as fast as the socket carries it.
    const acks = await withTimeout(
      Promise.all(
        Array.from(
          { length: MAX_RECORDED_EVENTS_PER_ROOM + 200 },
          (_, i) => candidate.emitWithAck(AudioEvent.State, { joined: true, muted: i % 2 === 0 }) as Promise<CommandAck>
        )
      ),
      'every audio state to be answered',
      60_000
    )
    expect(acks.every((a) => a.ok)).toBe(true)
    const recorded = new Set<string>([
      TimelineEventType.Joined,
      TimelineEventType.Left,
      TimelineEventType.AudioJoined,
      TimelineEventType.AudioLeft,
      TimelineEventType.Muted,
      TimelineEventType.Unmuted,
    ])
    const participation = async () =>
      (await server.interview.events(room.roomId)).filter((e) => recorded.has(e.type)).length
    expect(await participation()).toBe(MAX_RECORDED_EVENTS_PER_ROOM)

    const chosen = (await interviewer.emitWithAck(InterviewEvent.SetPrompt, {
      promptId: 'design-spotify',
    })) as CommandAck
    expect(chosen).toEqual({ ok: true })
    const started = (await interviewer.emitWithAck(InterviewEvent.Control, {
      action: ControlAction.Start,
    })) as CommandAck
    expect(started).toEqual({ ok: true })
    expect((await server.interview.events(room.roomId)).at(-1)?.type).toBe(TimelineEventType.InterviewStart)
    expect(await participation()).toBe(MAX_RECORDED_EVENTS_PER_ROOM)
  })
})
