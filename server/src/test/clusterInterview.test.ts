import {
  ControlAction,
  CreateRoomResponseSchema,
  InterviewEvent,
  PROTOCOL_VERSION,
  RecordingEvent,
  TimelineEventType,
  type CommandAck,
  type InterviewView,
  type Timeline,
} from '@loopboard/protocol'
import { getPrompt } from '@loopboard/prompts'
import { io, type Socket } from 'socket.io-client'
import { describe, expect, it } from 'vitest'
import { useTestContext, waitFor, withTimeout } from './helpers.ts'
import { startPostgres, type PostgresCluster } from './postgresFixture.ts'
import { spawnServer, type ServerProcess } from './serverProcess.ts'
import { missingService, postgresBinDir } from './serviceBinaries.ts'

// Two relay processes on one Postgres, no Redis and no proxy: each interview command is applied
// under the room's row lock in Postgres, whichever relay received it.
const skip = postgresBinDir() ? null : missingService('Postgres', 'apt-get install postgresql, or set POSTGRES_BIN_DIR')
const ctx = useTestContext()
const SPOTIFY = getPrompt('design-spotify')!
/** Starting Postgres and two relays (migrations included) on a busy 2-core machine. */
const SLOW_MS = 120_000

async function relays(count: number, postgres?: PostgresCluster): Promise<ServerProcess[]> {
  if (!postgres) {
    postgres = await startPostgres()
    ctx.onCleanup(() => postgres!.stop())
  }
  const env = {
    DATABASE_URL: await postgres.createDatabase(),
    // Every command below comes from two sockets of one test process.
    RATE_SOCKET_COMMANDS_PER_SECOND: '100000',
  }
  const started: ServerProcess[] = []
  // One after the other: the first migrates the schema.
  for (let i = 0; i < count; i++) {
    started.push(await spawnServer(ctx, ctx.tempDir(), { ...env, NODE_ID: `relay-${i}` }, { readyTimeoutMs: 60_000 }))
  }
  return started
}

/** A socket.io client of the room on one relay, once it holds the interview's state. */
async function join(relay: ServerProcess, roomId: string, token: string, name: string) {
  const states: InterviewView[] = []
  const socket: Socket = io(relay.httpBase, {
    auth: { protocolVersion: PROTOCOL_VERSION, roomId, token, name },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  })
  ctx.onCleanup(() => void socket.disconnect())
  socket.on(InterviewEvent.State, (view: InterviewView) => states.push(view))
  await waitFor(() => states.length > 0, `${name} to get the interview state`, 30_000)
  const send = (event: string, payload: unknown = {}) =>
    withTimeout(socket.emitWithAck(event, payload) as Promise<CommandAck>, `${name}: ${event}`, 60_000)
  return { socket, states, send }
}

describe.skipIf(skip)('interview commands through two relays on one Postgres', () => {
  it(
    'applies 200 concurrent hint and phase commands sent to both relays exactly once each',
    async () => {
      const [a, b] = await relays(2)
      const res = await fetch(`${a!.httpBase}/api/rooms`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Cluster loop' }),
      })
      expect(res.status).toBe(201)
      const room = CreateRoomResponseSchema.parse(await res.json())
      const onA = await join(a!, room.roomId, room.tokens.interviewer, 'Ivy on A')
      const onB = await join(b!, room.roomId, room.tokens.interviewer, 'Ivy on B')
      expect(await onA.send(InterviewEvent.SetPrompt, { promptId: SPOTIFY.id })).toEqual({ ok: true })
      expect(await onB.send(InterviewEvent.Control, { action: ControlAction.Start })).toEqual({ ok: true })

      // 100 hint reveals and 100 next-phase commands, alternating between the relays, all at once:
      // as many succeed as the prompt has hints and later phases, the rest are refused.
      const acks = await Promise.all(
        Array.from({ length: 200 }, (_, i) => {
          const client = i % 2 === 0 ? onA : onB
          return i % 4 < 2
            ? client.send(InterviewEvent.RevealHint)
            : client.send(InterviewEvent.Control, { action: ControlAction.NextPhase })
        })
      )
      const refusals = acks.filter((ack) => !ack.ok).map((ack) => (ack.ok ? '' : ack.error))
      expect(acks.length - refusals.length).toBe(SPOTIFY.hints.length + SPOTIFY.phases.length - 1)
      expect(new Set(refusals)).toEqual(
        new Set(['Every hint is already revealed.', 'This is the last phase; finish the interview instead.'])
      )

      // A newcomer on either relay reads the state every command left.
      for (const relay of [a!, b!]) {
        const { states } = await join(relay, room.roomId, room.tokens.candidate, 'Cam')
        expect(states.at(-1)).toMatchObject({
          status: 'running',
          phaseIndex: SPOTIFY.phases.length - 1,
          revealedHints: SPOTIFY.hints,
        })
      }
      // The timeline holds each hint and each phase once, in order.
      const timeline = (await (
        await fetch(`${b!.httpBase}/api/rooms/${room.roomId}/timeline`, {
          headers: { authorization: `Bearer ${room.tokens.interviewer}` },
        })
      ).json()) as Timeline
      const of = (type: string) => timeline.events.filter((e) => e.type === type).map((e) => e.data)
      expect(of(TimelineEventType.HintRevealed)).toEqual(SPOTIFY.hints.map((_, hintIndex) => ({ hintIndex })))
      expect(of(TimelineEventType.InterviewNextPhase).map((d) => (d as { phaseIndex: number }).phaseIndex)).toEqual(
        SPOTIFY.phases.slice(1).map((_, i) => i + 1)
      )
    },
    SLOW_MS
  )

  it(
    'answers every command while Postgres is down, stores nothing of them, and carries on once it is back',
    async () => {
      const postgres = await startPostgres({ crashSafe: true })
      ctx.onCleanup(() => postgres.stop())
      const [relay] = await relays(1, postgres)
      const res = await fetch(`${relay!.httpBase}/api/rooms`, { method: 'POST', body: '{}' })
      const room = CreateRoomResponseSchema.parse(await res.json())
      const ivy = await join(relay!, room.roomId, room.tokens.interviewer, 'Ivy')
      expect(await ivy.send(InterviewEvent.SetPrompt, { promptId: SPOTIFY.id })).toEqual({ ok: true })

      await postgres.stopImmediately()
      const failed = {
        ok: false,
        error: 'The server cannot reach its storage right now; nothing was changed. Try again shortly.',
      }
      expect(await ivy.send(InterviewEvent.RevealHint)).toEqual(failed)
      expect(await ivy.send(InterviewEvent.AddNote, { text: 'lost?', shapeId: null })).toEqual(failed)
      expect(await ivy.send(RecordingEvent.Start)).toEqual(failed)
      const review = await fetch(`${relay!.httpBase}/api/rooms/${room.roomId}/review`, {
        headers: { authorization: `Bearer ${room.tokens.interviewer}` },
      })
      expect(review.status).toBe(503)
      expect(review.headers.get('retry-after')).toBe('5')
      expect(await review.json()).toMatchObject({ error: { code: 'unavailable', message: expect.any(String) } })
      expect(relay!.child.exitCode).toBeNull()

      await postgres.restart()
      // The pool reconnects on its next query: the same command now succeeds.
      const deadline = Date.now() + 30_000
      let ack = await ivy.send(InterviewEvent.RevealHint)
      while (!ack.ok && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200))
        ack = await ivy.send(InterviewEvent.RevealHint)
      }
      expect(ack).toEqual({ ok: true })
      const { states } = await join(relay!, room.roomId, room.tokens.candidate, 'Cam')
      expect(states.at(-1)?.revealedHints).toEqual(SPOTIFY.hints.slice(0, 1))
      const notes = await fetch(`${relay!.httpBase}/api/rooms/${room.roomId}/notes`, {
        headers: { authorization: `Bearer ${room.tokens.interviewer}` },
      })
      expect(await notes.json()).toEqual({ notes: [] })
    },
    SLOW_MS
  )
})
