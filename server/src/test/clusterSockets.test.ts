import {
  AudioEvent,
  InterviewEvent,
  PROTOCOL_VERSION,
  SocketEvent,
  type AudioPeer,
  type CreateRoomResponse,
  type HelloPayload,
  type Participant,
} from '@loopboard/protocol'
import { io, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newTabSecret, useTestContext, waitFor, withTimeout } from './helpers.ts'
import { DEFAULT_NODE_TIMEOUT_MS } from '../presence/PresenceDirectory.ts'
import { freePort, startPostgres, type PostgresCluster } from './postgresFixture.ts'
import { startRedis, type RedisServer } from './redisFixture.ts'
import { spawnServer, type ServerProcess } from './serverProcess.ts'
import { missingService, postgresBinDir, redisServerBin } from './serviceBinaries.ts'

const skip =
  (redisServerBin() ? null : missingService('redis-server', 'apt-get install redis-server, or set REDIS_SERVER_BIN')) ??
  (postgresBinDir() ? null : missingService('Postgres', 'apt-get install postgresql, or set POSTGRES_BIN_DIR'))

const ctx = useTestContext()

let postgres: PostgresCluster | null = null
beforeAll(async () => {
  if (!skip) postgres = await startPostgres()
}, 90_000)
afterAll(async () => {
  await postgres?.stop()
})

/** Cross-relay delivery on a loaded 2-core machine: generous, the test waits on conditions. */
const DELIVERY_TIMEOUT_MS = 10_000
/** A cold start (migrations included) of a relay on a loaded 2-core machine. */
const START_TIMEOUT_MS = 30_000
/** What the cluster promises for a dead relay's participants. */
const DEAD_NODE_PRESENCE_MS = 15_000

interface Client {
  name: string
  socket: Socket
  id: string
  you: Participant
  /** Every event the server sent, in arrival order. */
  events: Array<{ event: string; payload: unknown }>
}

type Ack = { ok: true; peers?: AudioPeer[] } | { ok: false; error: string }

/**
 * Two relay processes on one Postgres and one Redis, each with an empty data directory of its
 * own: the room is created through relay A, and everything else travels through the shared
 * services only.
 */
async function twoRelays(env: Record<string, string> = {}): Promise<{
  room: CreateRoomResponse
  a: ServerProcess
  b: ServerProcess
  redis: RedisServer
}> {
  const redis = await startRedis()
  ctx.onCleanup(() => redis.stop())
  const databaseUrl = await postgres!.createDatabase()
  const relay = (nodeId: string) =>
    spawnServer(
      ctx,
      ctx.tempDir(),
      { DATABASE_URL: databaseUrl, REDIS_URL: redis.url, NODE_ID: nodeId, ...env },
      { readyTimeoutMs: START_TIMEOUT_MS }
    )
  // One after the other: the first runs the migrations.
  const a = await relay('relay-a')
  const b = await relay('relay-b')
  // Ready once each has heard the other's participants (a heartbeat round after start).
  await Promise.all([ready(a), ready(b)])
  const res = await fetch(`${a.httpBase}/api/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  })
  expect(res.status).toBe(201)
  const room = (await res.json()) as CreateRoomResponse
  return { room, a, b, redis }
}

/** Resolves once the relay's /readyz answers 200. */
async function ready(relay: ServerProcess): Promise<void> {
  const deadline = Date.now() + DELIVERY_TIMEOUT_MS
  for (;;) {
    const res = await fetch(`${relay.httpBase}/readyz`).catch(() => null)
    if (res?.status === 200) return
    if (Date.now() > deadline) throw new Error(`${relay.httpBase} not ready: ${res?.status} ${await res?.text()}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

async function connect(relay: ServerProcess, roomId: string, token: string, name: string): Promise<Client> {
  const socket = io(relay.httpBase, {
    auth: { protocolVersion: PROTOCOL_VERSION, roomId, token, name, tab: newTabSecret() },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  })
  ctx.onCleanup(() => void socket.disconnect())
  const events: Client['events'] = []
  socket.onAny((event: string, ...args: unknown[]) => events.push({ event, payload: args[0] }))
  await waitFor(() => events.some((e) => e.event === SocketEvent.Hello), `${name} to get hello`, DELIVERY_TIMEOUT_MS)
  const hello = events.find((e) => e.event === SocketEvent.Hello)!.payload as HelloPayload
  return { name, socket, id: socket.id!, you: hello.you, events }
}

/** The participant list as the client builds it: the last snapshot, then joins, leaves and updates. */
function view(client: Client): Participant[] {
  let list: Participant[] = []
  for (const { event, payload } of client.events) {
    const p = payload as Participant
    if (event === SocketEvent.PresenceSnapshot) list = [...(payload as { participants: Participant[] }).participants]
    else if (event === SocketEvent.PresenceJoined) list = [...list.filter((q) => q.id !== p.id), p]
    else if (event === SocketEvent.PresenceLeft) list = list.filter((q) => q.id !== p.id)
    else if (event === SocketEvent.PresenceUpdated) list = list.map((q) => (q.id === p.id ? p : q))
  }
  return list
}
const names = (client: Client) =>
  view(client)
    .map((p) => p.name)
    .sort()

const payloads = <T>(client: Client, event: string) =>
  client.events.filter((e) => e.event === event).map((e) => e.payload as T)

async function send(client: Client, event: string, payload: unknown = {}): Promise<Ack> {
  return withTimeout(
    client.socket.emitWithAck(event, payload) as Promise<Ack>,
    `${client.name}: ${event} ack`,
    DELIVERY_TIMEOUT_MS
  )
}
async function ok(client: Client, event: string, payload: unknown = {}): Promise<{ peers?: AudioPeer[] }> {
  const ack = await send(client, event, payload)
  if (!ack.ok) throw new Error(`${client.name}: ${event} refused: ${ack.error}`)
  return ack
}

const until = (check: () => boolean, label: string, ms = DELIVERY_TIMEOUT_MS) => waitFor(check, label, ms)

describe.skipIf(skip)('socket.io across two relay processes on one Redis', () => {
  it('shows presence, interview state and private data across relays, and relays a p2p signal', async () => {
    const { room, a, b } = await twoRelays()
    const ivy = await connect(a, room.roomId, room.tokens.interviewer, 'Ivy')
    const cam = await connect(b, room.roomId, room.tokens.candidate, 'Cam')
    // Joined on B after Ivy on A: B's snapshot already lists Ivy; A tells Ivy about Cam.
    await until(() => names(cam).join() === 'Cam,Ivy', 'Cam (relay B) to see Ivy (relay A)')
    await until(() => names(ivy).join() === 'Cam,Ivy', 'Ivy (relay A) to see Cam (relay B)')
    // Colours are chosen against the whole room: two relays never hand out the same one.
    expect(view(ivy).find((p) => p.name === 'Cam')!.color).not.toBe(ivy.you.color)

    // A status change on B reaches A.
    await ok(cam, SocketEvent.PresenceStatus, { status: 'away' })
    await until(() => view(ivy).find((p) => p.name === 'Cam')?.status === 'away', 'Ivy to see Cam away')

    // A second interviewer tab on B and an observer on B.
    const ivy2 = await connect(b, room.roomId, room.tokens.interviewer, 'Ivy tab 2')
    const oli = await connect(b, room.roomId, room.tokens.observer, 'Oli')
    await until(() => view(ivy).length === 4, 'Ivy to see all four')

    // Interview state: commanded on A, every socket of B gets the view of its own role.
    await ok(ivy, InterviewEvent.SetPrompt, { promptId: 'design-spotify' })
    await ok(ivy, InterviewEvent.RevealHint)
    const hinted = (c: Client) =>
      payloads<{ revealedHints: unknown[]; prompt: { id: string } | null }>(c, InterviewEvent.State).some(
        (v) => v.prompt?.id === 'design-spotify' && v.revealedHints.length === 1
      )
    await until(() => hinted(cam) && hinted(oli) && hinted(ivy2), 'the hint to reach every socket on relay B')
    const guidanceOf = (c: Client) =>
      payloads<{ guidance?: { id: string } | null }>(c, InterviewEvent.State).map((v) => v.guidance?.id ?? null)
    expect(guidanceOf(ivy2)).toContain('design-spotify')
    // Private data never reaches the candidate or the observer on any relay.
    for (const other of [cam, oli]) {
      for (const state of payloads<object>(other, InterviewEvent.State)) expect(state).not.toHaveProperty('guidance')
    }

    // Notes from A: the interviewer's other tab on B gets them, the candidate and observer do not.
    await ok(ivy, InterviewEvent.AddNote, { text: 'PRIVATE-NOTE-1' })
    await until(
      () => JSON.stringify(payloads(ivy2, InterviewEvent.Notes)).includes('PRIVATE-NOTE-1'),
      'the note to reach the interviewer tab on B'
    )
    // Observer notes written on B reach the interviewer on A, never the candidate.
    await ok(oli, InterviewEvent.AddNote, { text: 'OBSERVER-NOTE-1' })
    await until(
      () => JSON.stringify(payloads(ivy, InterviewEvent.Notes)).includes('OBSERVER-NOTE-1'),
      'the observer note to reach the interviewer on A'
    )
    // A round trip on Cam after both notes went out: anything sent to Cam before has arrived.
    await withTimeout(cam.socket.emitWithAck(InterviewEvent.TimeSync, {}), 'Cam time sync')
    const camSaw = JSON.stringify(cam.events)
    expect(camSaw).not.toContain('PRIVATE-NOTE-1')
    expect(camSaw).not.toContain('OBSERVER-NOTE-1')
    expect(payloads(cam, InterviewEvent.Notes)).toEqual([])

    // Peer-to-peer audio: Ivy (A) is in the call; Cam (B) joins and learns of Ivy; Ivy hears of Cam.
    expect((await ok(ivy, AudioEvent.Join)).peers).toEqual([])
    // Relay B may not have heard of Ivy's join yet (the ack on A came first): then Cam's list lacks
    // her, and her offer after the peer-joined below is what connects them (the client takes an
    // offer from a peer it has not been told of).
    const peers = (await ok(cam, AudioEvent.Join)).peers!
    expect(peers.filter((p) => p.socketId !== ivy.id)).toEqual([])
    await until(
      () => payloads<AudioPeer>(ivy, AudioEvent.PeerJoined).some((p) => p.socketId === cam.id),
      'Ivy to hear that Cam joined the call'
    )
    // Ivy's offer goes from A to Cam on B, and Cam's answer back.
    const offer = { to: cam.id, description: { type: 'offer', sdp: 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n' } }
    await ok(ivy, AudioEvent.Signal, offer)
    await until(
      () => payloads<{ from: string }>(cam, AudioEvent.Signal).some((s) => s.from === ivy.id),
      'the offer to cross from relay A to relay B'
    )
    await ok(cam, AudioEvent.Signal, {
      to: ivy.id,
      candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host' },
    })
    await until(
      () => payloads<{ from: string }>(ivy, AudioEvent.Signal).some((s) => s.from === cam.id),
      'the candidate to cross back'
    )
    // A socket id that is not in the call (Oli, on B) is refused on A: nothing is relayed.
    const refused = await send(ivy, AudioEvent.Signal, { to: oli.id, candidate: { candidate: 'x' } })
    expect(refused).toMatchObject({ ok: false })

    // Cam leaves: A tells Ivy at once (presence and the call).
    cam.socket.disconnect()
    await until(() => !names(ivy).includes('Cam'), 'Ivy to see Cam leave')
    await until(
      () => payloads<{ socketId: string }>(ivy, AudioEvent.PeerLeft).some((p) => p.socketId === cam.id),
      'Ivy to hear that Cam left the call'
    )
  }, 90_000)

  it('swaps roles across relays; a socket joining either relay reads the interview from Postgres', async () => {
    const { room, a, b } = await twoRelays()
    const ivy = await connect(a, room.roomId, room.tokens.interviewer, 'Ivy')
    const cam = await connect(b, room.roomId, room.tokens.candidate, 'Cam')
    await until(() => names(ivy).join() === 'Cam,Ivy' && names(cam).join() === 'Cam,Ivy', 'both to see both')
    await ok(ivy, InterviewEvent.SetPrompt, { promptId: 'design-spotify' })
    await ok(ivy, InterviewEvent.RevealHint)
    type View = { round: number; prompt: { id: string } | null; revealedHints: unknown[]; guidance?: unknown }
    // A newcomer on B is sent the interview as relay A left it.
    const oli = await connect(b, room.roomId, room.tokens.observer, 'Oli')
    await until(
      () => payloads<View>(oli, InterviewEvent.State).at(-1)?.revealedHints.length === 1,
      'Oli (relay B) to be sent the hint revealed on relay A'
    )

    // Swapped through A: Ivy (A) plays the candidate now, Cam (B) the interviewer.
    // Round 1's last state (the hint) has reached Ivy, as its interviewer.
    await until(
      () => payloads<View>(ivy, InterviewEvent.State).at(-1)?.revealedHints.length === 1,
      'Ivy to get her own hint'
    )
    await ok(ivy, InterviewEvent.SwapRoles)
    const role = (c: Client, name: string) => view(c).find((p) => p.name === name)?.role
    await until(
      () => payloads(cam, InterviewEvent.SessionChanged).length === 1 && role(cam, 'Cam') === 'interviewer',
      'Cam (relay B) to become the interviewer'
    )
    await until(() => role(ivy, 'Ivy') === 'candidate' && role(ivy, 'Cam') === 'interviewer', 'Ivy to see the swap')
    await until(
      () => payloads<View>(cam, InterviewEvent.State).at(-1)?.guidance !== undefined,
      'Cam to be sent the interviewer’s view'
    )
    // Cam runs round 2 from relay B: Ivy, now the candidate on A, never gets its guidance.
    await ok(cam, InterviewEvent.SetPrompt, { promptId: 'design-spotify' })
    await ok(cam, InterviewEvent.RevealHint)
    // Round 1's last state also had one hint: wait for round 2's, or this races the swap's states.
    await until(() => {
      const last = payloads<View>(ivy, InterviewEvent.State).at(-1)
      return last?.round === 2 && last.revealedHints.length === 1
    }, 'Ivy (relay A) to get round 2’s hint')
    const round2 = payloads<View>(ivy, InterviewEvent.State).filter((v) => v.round === 2)
    expect(round2.length).toBeGreaterThan(0)
    for (const state of round2) expect(state).not.toHaveProperty('guidance')
    expect(payloads<View>(ivy, InterviewEvent.State).at(-1)).toMatchObject({ round: 2 })
    // Ivy's link no longer runs the interview, on any relay.
    expect(await send(ivy, InterviewEvent.RevealHint)).toMatchObject({ ok: false })
    // A newcomer with Ivy's link on B is the candidate too, and reads round 2 without guidance.
    const ivy2 = await connect(b, room.roomId, room.tokens.interviewer, 'Ivy tab 2')
    expect(ivy2.you.role).toBe('candidate')
    await until(() => payloads<View>(ivy2, InterviewEvent.State).at(-1)?.round === 2, 'the new tab to be sent round 2')
    for (const state of payloads<object>(ivy2, InterviewEvent.State)) expect(state).not.toHaveProperty('guidance')
  }, 90_000)

  it('drops a kill -9ed relay’s participants from presence and the call within 15 s', async () => {
    const { room, a, b } = await twoRelays()
    const ivy = await connect(a, room.roomId, room.tokens.interviewer, 'Ivy')
    const cam = await connect(b, room.roomId, room.tokens.candidate, 'Cam')
    await until(() => names(ivy).join() === 'Cam,Ivy', 'Ivy to see Cam')
    await ok(ivy, AudioEvent.Join)
    await ok(cam, AudioEvent.Join)
    await until(() => payloads(ivy, AudioEvent.PeerJoined).length === 1, 'Ivy to hear Cam join the call')

    const killedAt = Date.now()
    await b.stop('SIGKILL')
    await until(() => !names(ivy).includes('Cam'), 'Cam to leave Ivy’s presence', DEAD_NODE_PRESENCE_MS)
    const gone = Date.now() - killedAt
    expect(gone).toBeLessThan(DEAD_NODE_PRESENCE_MS)
    await until(
      () => payloads<{ socketId: string }>(ivy, AudioEvent.PeerLeft).some((p) => p.socketId === cam.id),
      'Ivy to hear that Cam left the call'
    )
    // A newcomer on A is told the room without Cam, and the call without Cam.
    const ann = await connect(a, room.roomId, room.tokens.observer, 'Ann')
    await until(() => names(ann).length > 0, 'Ann to get the list')
    expect(names(ann)).toEqual(['Ann', 'Ivy'])
    expect((await ok(ann, AudioEvent.Join)).peers!.map((p) => p.socketId)).toEqual([ivy.id])
  }, 90_000)

  it('drops a gracefully stopped relay’s participants at once, before any heartbeat timeout', async () => {
    const { room, a, b } = await twoRelays()
    const ivy = await connect(a, room.roomId, room.tokens.interviewer, 'Ivy')
    await connect(b, room.roomId, room.tokens.candidate, 'Cam')
    await until(() => names(ivy).join() === 'Cam,Ivy', 'Ivy to see Cam')
    await b.stop('SIGTERM')
    // The leave (or the goodbye) arrives: no waiting for the 7 s of silence that mark a dead relay.
    await until(() => !names(ivy).includes('Cam'), 'Cam to leave Ivy’s presence', DEFAULT_NODE_TIMEOUT_MS)
  }, 90_000)

  it('counts every relay’s sockets against the room’s capacity, and closes a replaced link’s sockets on every relay', async () => {
    const { room, a, b } = await twoRelays({ MAX_ROOM_PARTICIPANTS: '3' })
    const ivy = await connect(a, room.roomId, room.tokens.interviewer, 'Ivy')
    const cam = await connect(b, room.roomId, room.tokens.candidate, 'Cam')
    const oli = await connect(b, room.roomId, room.tokens.observer, 'Oli')
    await until(() => names(ivy).length === 3, 'Ivy to see all three')
    // A fourth socket on A: two of the three are on B, and still the room is full.
    const fourth = io(a.httpBase, {
      auth: { protocolVersion: PROTOCOL_VERSION, roomId: room.roomId, token: room.tokens.observer, name: 'Fay' },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    })
    ctx.onCleanup(() => void fourth.disconnect())
    const refusal = await withTimeout(
      new Promise<{ data?: { code?: string } }>((resolve) => fourth.once('connect_error', resolve)),
      'the fourth socket to be refused'
    )
    expect(refusal.data?.code).toBe('room_full')

    // The candidate link is replaced through relay A: Cam's socket on B is closed, nobody else's.
    let camClosed = false
    cam.socket.once('disconnect', () => (camClosed = true))
    const res = await fetch(`${a.httpBase}/api/rooms/${room.roomId}/links/candidate/replace`, {
      method: 'POST',
      headers: { authorization: `Bearer ${room.tokens.interviewer}` },
    })
    expect(res.status).toBe(200)
    await until(() => camClosed, 'Cam’s socket on relay B to be closed')
    await until(() => names(ivy).join() === 'Ivy,Oli', 'Ivy to see Cam leave')
    expect(oli.socket.connected).toBe(true)
  }, 90_000)

  it('admits exactly MAX_ROOM_PARTICIPANTS of 30 handshakes sent at once', async () => {
    const { room, a } = await twoRelays({ MAX_ROOM_PARTICIPANTS: '2' })
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, (_, i) => {
        const socket = io(a.httpBase, {
          auth: { protocolVersion: PROTOCOL_VERSION, roomId: room.roomId, token: room.tokens.observer, name: `P${i}` },
          transports: ['websocket'],
          reconnection: false,
          forceNew: true,
        })
        ctx.onCleanup(() => void socket.disconnect())
        return withTimeout(
          new Promise<string>((resolve) => {
            socket.once('connect', () => resolve('admitted'))
            socket.once('connect_error', (e: Error & { data?: { code?: string } }) =>
              resolve(e.data?.code ?? e.message)
            )
          }),
          `handshake ${i}`,
          DELIVERY_TIMEOUT_MS
        )
      })
    )
    expect(outcomes.filter((o) => o === 'admitted')).toHaveLength(2)
    expect(outcomes.filter((o) => o !== 'admitted')).toEqual(Array(28).fill('room_full'))
  }, 90_000)

  it('carries on after Redis is killed and restarted empty: presence catches up, delivery resumes', async () => {
    const { room, a, b, redis } = await twoRelays()
    const ivy = await connect(a, room.roomId, room.tokens.interviewer, 'Ivy')
    const cam = await connect(b, room.roomId, room.tokens.candidate, 'Cam')
    await until(() => names(ivy).join() === 'Cam,Ivy', 'Ivy to see Cam')

    await redis.kill()
    // Said while Redis is down: relay B cannot tell relay A now.
    await ok(cam, SocketEvent.PresenceStatus, { status: 'away' })
    await redis.restart()
    // Neither relay fell over while Redis was gone (a dropped publish must not end the process).
    expect([a.child.exitCode, b.child.exitCode]).toEqual([null, null])
    // A's copy of B's members is behind B's heartbeat version: it asks B again and catches up.
    await until(() => view(ivy).find((p) => p.name === 'Cam')?.status === 'away', 'Ivy to see Cam away')

    // Everything after the restart travels again: a joiner, interview state, a signal.
    const oli = await connect(b, room.roomId, room.tokens.observer, 'Oli')
    await until(() => names(ivy).join() === 'Cam,Ivy,Oli', 'Ivy to see Oli join on B')
    await ok(ivy, InterviewEvent.SetPrompt, { promptId: 'design-spotify' })
    await until(
      () =>
        payloads<{ prompt: { id: string } | null }>(oli, InterviewEvent.State).some(
          (v) => v.prompt?.id === 'design-spotify'
        ),
      'the prompt to reach Oli on B'
    )
    await ok(ivy, AudioEvent.Join)
    await ok(cam, AudioEvent.Join)
    await until(() => payloads(ivy, AudioEvent.PeerJoined).length === 1, 'Ivy to hear Cam join the call')
    await ok(ivy, AudioEvent.Signal, {
      to: cam.id,
      candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host' },
    })
    await until(
      () => payloads<{ from: string }>(cam, AudioEvent.Signal).some((s) => s.from === ivy.id),
      'the signal to cross'
    )
  }, 90_000)
})

describe.skipIf(skip)('a relay whose Redis cannot be reached', () => {
  it('stops at start, naming REDIS_URL (without its password)', async () => {
    const port = await freePort()
    const started = spawnServer(ctx, ctx.tempDir(), {
      DATABASE_URL: await postgres!.createDatabase(),
      REDIS_URL: `redis://relay:s3cret@127.0.0.1:${port}`,
    })
    const error = await started.then(
      () => null,
      (e: Error) => e
    )
    expect(error?.message).toMatch(/Redis at REDIS_URL \(127\.0\.0\.1:\d+\) cannot be reached/)
    expect(error?.message).not.toContain('s3cret')
  })
})
