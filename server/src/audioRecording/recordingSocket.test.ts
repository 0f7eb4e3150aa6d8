import {
  RecordingEvent,
  SocketEvent,
  type CommandAck,
  type CreateRoomResponse,
  type HelloPayload,
  type PayloadErrorPayload,
  type RecordingState,
  type Timeline,
} from '@loopboard/protocol'
import type { Socket } from 'socket.io-client'
import { describe, expect, it } from 'vitest'
import {
  createRoom,
  httpBase,
  newTabSecret,
  useTestContext,
  waitFor,
  withTimeout,
  type TestServer,
} from '../test/helpers.ts'

const ctx = useTestContext()

interface Client {
  name: string
  userId: string
  socket: Socket
  states: RecordingState[]
  payloadErrors: PayloadErrorPayload[]
}

async function connect(server: TestServer, roomId: string, token: string, name: string): Promise<Client> {
  const socket = ctx.presence(server, { roomId, token, name, tab: newTabSecret() }) as unknown as Socket
  // The participant id is the server's to issue; the client learns it from `hello`.
  const client: Client = { name, userId: '', socket, states: [], payloadErrors: [] }
  socket.on(SocketEvent.Hello, ({ you }: HelloPayload) => (client.userId = you.userId))
  socket.on(RecordingEvent.State, (state: RecordingState) => client.states.push(state))
  socket.on(SocketEvent.PayloadError, (payload: PayloadErrorPayload) => client.payloadErrors.push(payload))
  await waitFor(() => client.states.length > 0 && !!client.userId, `${name} to get hello and recording:state`)
  return client
}

function send(client: Client, event: string, payload?: unknown): Promise<CommandAck> {
  return withTimeout(client.socket.emitWithAck(event, payload) as Promise<CommandAck>, `${client.name}: ${event} ack`)
}

/** A round trip, so every event emitted to `client` before it has arrived. */
async function settle(...clients: Client[]): Promise<void> {
  await Promise.all(clients.map((c) => withTimeout(c.socket.emitWithAck('time:sync', {}), `${c.name}: time:sync`)))
}

const latest = (client: Client) => client.states.at(-1)!

async function timeline(server: TestServer, room: CreateRoomResponse): Promise<Timeline> {
  const res = await fetch(`${httpBase(server)}/api/rooms/${room.roomId}/timeline`, {
    headers: { authorization: `Bearer ${room.tokens.interviewer}` },
  })
  expect(res.status).toBe(200)
  return (await res.json()) as Timeline
}

async function setup() {
  const server = await ctx.server()
  const room = await createRoom(server)
  const ivy = await connect(server, room.roomId, room.tokens.interviewer, 'Ivy')
  const cam = await connect(server, room.roomId, room.tokens.candidate, 'Cam')
  const oli = await connect(server, room.roomId, room.tokens.observer, 'Oli')
  return { server, room, ivy, cam, oli, all: [ivy, cam, oli] }
}

describe('recording state over socket.io', () => {
  it('sends the state on connect and to everyone on every change', async () => {
    const { server, room, ivy, cam, oli, all } = await setup()
    for (const c of all) expect(latest(c)).toEqual({ recording: false, startedAt: null, consented: [], declined: [] })

    const before = Date.now()
    expect(await send(ivy, RecordingEvent.Start, {})).toEqual({ ok: true })
    await settle(...all)
    for (const c of all) {
      expect(latest(c).recording).toBe(true)
      expect(latest(c).startedAt).toBeGreaterThanOrEqual(before)
    }

    expect(await send(cam, RecordingEvent.Consent, { consent: true })).toEqual({ ok: true })
    expect(await send(oli, RecordingEvent.Consent, { consent: false })).toEqual({ ok: true })
    await settle(...all)
    for (const c of all) {
      expect(latest(c).consented).toEqual([cam.userId])
      expect(latest(c).declined).toEqual([oli.userId])
    }

    expect(await send(ivy, RecordingEvent.Stop)).toEqual({ ok: true })
    await settle(...all)
    for (const c of all) expect(latest(c)).toMatchObject({ recording: false, startedAt: null, consented: [cam.userId] })

    // A newcomer gets the current state at once.
    const late = await connect(server, room.roomId, room.tokens.observer, 'Late')
    expect(latest(late)).toMatchObject({ recording: false, consented: [cam.userId], declined: [oli.userId] })
  })

  it('lets only the interviewer (by current role) start and stop', async () => {
    const { server, room, ivy, cam, oli, all } = await setup()
    for (const c of [cam, oli]) {
      const ack = await send(c, RecordingEvent.Start, {})
      expect(ack.ok).toBe(false)
      expect(ack.ok === false && ack.error).toMatch(/only the interviewer/i)
    }
    await settle(...all)
    expect((await server.recordings.state(room.roomId)).recording).toBe(false)
    for (const c of all) expect(c.states).toHaveLength(1)

    await send(ivy, RecordingEvent.Start, {})
    for (const c of [cam, oli]) expect((await send(c, RecordingEvent.Stop, {})).ok).toBe(false)
    expect((await server.recordings.state(room.roomId)).recording).toBe(true)

    // After a role swap the other link is the interviewer.
    await send(ivy, RecordingEvent.Stop, {})
    expect((await send(ivy, 'interview:swap-roles', {})).ok).toBe(true)
    await waitFor(() => cam.socket.connected, 'cam to stay connected')
    expect((await send(ivy, RecordingEvent.Start, {})).ok).toBe(false)
    expect((await send(cam, RecordingEvent.Start, {})).ok).toBe(true)
    expect((await server.recordings.state(room.roomId)).recording).toBe(true)
  })

  it('is idempotent: starting twice or stopping while stopped changes nothing', async () => {
    const { server, room, ivy, all } = await setup()
    await send(ivy, RecordingEvent.Start, {})
    const startedAt = (await server.recordings.state(room.roomId)).startedAt
    expect((await send(ivy, RecordingEvent.Start, {})).ok).toBe(true)
    expect((await server.recordings.state(room.roomId)).startedAt).toBe(startedAt)
    await send(ivy, RecordingEvent.Stop, {})
    expect((await send(ivy, RecordingEvent.Stop, {})).ok).toBe(true)
    await settle(...all)
    for (const c of all) expect(c.states).toHaveLength(3) // connect, start, stop
    const types = (await timeline(server, room)).events.map((e) => e.type).filter((t) => t.startsWith('recording-'))
    expect(types).toEqual(['recording-started', 'recording-stopped'])
  })

  it('records consent for the sender only, and refuses a payload naming someone else', async () => {
    const { server, room, cam, oli, all } = await setup()
    const ack = await send(oli, RecordingEvent.Consent, { consent: true, userId: cam.userId })
    expect(ack.ok).toBe(false)
    await settle(oli)
    expect(oli.payloadErrors.map((p) => p.event)).toEqual([RecordingEvent.Consent])
    for (const bad of [undefined, {}, { consent: 'yes' }]) {
      expect((await send(cam, RecordingEvent.Consent, bad)).ok).toBe(false)
    }
    expect((await server.recordings.state(room.roomId)).consented).toEqual([])

    await send(oli, RecordingEvent.Consent, { consent: true })
    expect((await server.recordings.state(room.roomId)).consented).toEqual([oli.userId])
    // Withdrawing works the same way.
    await send(oli, RecordingEvent.Consent, { consent: false })
    await settle(...all)
    expect(latest(cam)).toMatchObject({ consented: [], declined: [oli.userId] })
  })

  it('logs recording-started, recording-stopped and recording-consent on the timeline', async () => {
    const { server, room, ivy, cam } = await setup()
    await send(ivy, RecordingEvent.Start, {})
    await send(cam, RecordingEvent.Consent, { consent: true })
    await send(cam, RecordingEvent.Consent, { consent: true }) // unchanged: not logged again
    await send(ivy, RecordingEvent.Stop, {})
    const events = (await timeline(server, room)).events.filter((e) => e.type.startsWith('recording-'))
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ['recording-started', { userId: ivy.userId, name: 'Ivy' }],
      ['recording-consent', { userId: cam.userId, consent: true }],
      ['recording-stopped', { userId: ivy.userId, name: 'Ivy' }],
    ])
    const started = events[0]!.ts
    expect(events.map((e) => e.ts)).toEqual([...events.map((e) => e.ts)].sort((a, b) => a - b))
    expect(started).toBeGreaterThan(0)
  })

  it('keeps the state across a restart', async () => {
    const first = await ctx.server()
    const room = await createRoom(first)
    const ivy = await connect(first, room.roomId, room.tokens.interviewer, 'Ivy')
    await send(ivy, RecordingEvent.Start, {})
    await send(ivy, RecordingEvent.Consent, { consent: true })
    const before = await first.recordings.state(room.roomId)
    await first.close()

    const second = await ctx.server({ dataDir: first.dataDir })
    const again = await connect(second, room.roomId, room.tokens.candidate, 'Cam')
    expect(latest(again)).toEqual(before)
    expect(before).toMatchObject({ recording: true, consented: [ivy.userId] })
  })
})
