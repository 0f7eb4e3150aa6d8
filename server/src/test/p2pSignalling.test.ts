import {
  AudioEvent,
  InterviewEvent,
  SocketEvent,
  type AudioPeer,
  type HelloPayload,
  type PayloadErrorPayload,
} from '@loopboard/protocol'
import type { Socket } from 'socket.io-client'
import { describe, expect, it } from 'vitest'
import { createRoom, newTabSecret, useTestContext, waitFor, withTimeout, type TestServer } from './helpers.ts'

const ctx = useTestContext()

interface Received {
  event: string
  payload: unknown
}

interface Client {
  name: string
  /** Untyped, so tests can send whatever a misbehaving client would. */
  socket: Socket
  id: string
  /** The participant id the server issued (from hello). */
  userId: string
  /** Every event the server sent this socket, in arrival order (acks excluded). */
  events: Received[]
}

type Ack = { ok: true; peers?: AudioPeer[] } | { ok: false; error: string }

interface RelayedSignal {
  from: string
  description?: { type: string; sdp: string }
  candidate?: Record<string, unknown>
}

/** Connect with `token`, recording every event from the first one on. */
async function connect(server: TestServer, roomId: string, token: string, name: string): Promise<Client> {
  const socket = ctx.presence(server, { roomId, token, name, tab: newTabSecret() }) as unknown as Socket
  const events: Received[] = []
  socket.onAny((event: string, ...args: unknown[]) => events.push({ event, payload: args[0] }))
  await waitFor(() => events.some((e) => e.event === SocketEvent.Hello), `${name} to get hello`)
  const hello = events.find((e) => e.event === SocketEvent.Hello)!.payload as HelloPayload
  return { name, socket, id: socket.id!, userId: hello.you.userId, events }
}

function payloads<T>(client: Client, event: string, since = 0): T[] {
  return client.events
    .slice(since)
    .filter((e) => e.event === event)
    .map((e) => e.payload as T)
}

/**
 * A round trip on each socket. socket.io keeps order per connection, so once the answer is in,
 * every event the server emitted to that socket before has been received too.
 */
async function settle(...clients: Client[]): Promise<void> {
  await Promise.all(
    clients.map((c) => withTimeout(c.socket.emitWithAck(InterviewEvent.TimeSync, {}), `${c.name}: time:sync`))
  )
}

function send(client: Client, event: string, payload?: unknown): Promise<Ack> {
  return withTimeout(client.socket.emitWithAck(event, payload) as Promise<Ack>, `${client.name}: ${event} ack`)
}

async function join(client: Client): Promise<AudioPeer[]> {
  const ack = await send(client, AudioEvent.Join, {})
  if (!ack.ok) throw new Error(`${client.name} could not join the audio: ${ack.error}`)
  return ack.peers!
}

/** Send a signal that must be relayed. */
async function signal(client: Client, payload: unknown): Promise<void> {
  const ack = await send(client, AudioEvent.Signal, payload)
  if (!ack.ok) throw new Error(`${client.name}'s signal was refused: ${ack.error}`)
}

/** Send a signal that must be refused, with an ack and an error:payload to the sender. */
async function refused(client: Client, payload: unknown, message?: RegExp): Promise<string> {
  const errorsBefore = payloads(client, SocketEvent.PayloadError).length
  const ack = await send(client, AudioEvent.Signal, payload)
  expect(ack.ok, JSON.stringify(payload).slice(0, 200)).toBe(false)
  if (ack.ok) throw new Error('unreachable')
  if (message) expect(ack.error).toMatch(message)
  const errors = payloads<PayloadErrorPayload>(client, SocketEvent.PayloadError).slice(errorsBefore)
  expect(errors).toEqual([{ event: AudioEvent.Signal, message: ack.error }])
  return ack.error
}

const peer = (client: Client, role: string): AudioPeer => ({
  socketId: client.id,
  userId: client.userId,
  name: client.name,
  role: role as AudioPeer['role'],
})

/** A session description as browsers write it (CRLF), with the given direction attributes. */
function sdp({ media, session, extra }: { media?: string; session?: string; extra?: string } = {}): string {
  return [
    'v=0',
    'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    ...(session ? [`a=${session}`] : []),
    'a=group:BUNDLE 0',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    'c=IN IP4 0.0.0.0',
    'a=mid:0',
    ...(media ? [`a=${media}`] : []),
    'a=rtcp-mux',
    'a=rtpmap:111 opus/48000/2',
    ...(extra ? [extra, 'c=IN IP4 0.0.0.0', 'a=mid:1'] : []),
    '',
  ].join('\r\n')
}

const CANDIDATE = {
  candidate: 'candidate:1 1 udp 2122260223 192.168.1.2 54400 typ host generation 0',
  sdpMid: '0',
  sdpMLineIndex: 0,
  usernameFragment: 'abcd',
}

async function setup() {
  const server = await ctx.server()
  const room = await createRoom(server)
  const interviewer = await connect(server, room.roomId, room.tokens.interviewer, 'Ivy')
  const candidate = await connect(server, room.roomId, room.tokens.candidate, 'Cam')
  const observer = await connect(server, room.roomId, room.tokens.observer, 'Oli')
  const all = [interviewer, candidate, observer]
  await settle(...all)
  return { server, room, roomId: room.roomId, interviewer, candidate, observer, all }
}

/** Everyone joins the audio, in order; returns where each event log stood afterwards. */
async function allJoined(r: Awaited<ReturnType<typeof setup>>) {
  for (const client of r.all) await join(client)
  await settle(...r.all)
  return marks(r.all)
}

const marks = (clients: Client[]) => new Map(clients.map((c) => [c, c.events.length]))
const since = (client: Client, mark: Map<Client, number>) => client.events.slice(mark.get(client) ?? 0)

describe('audio:join', () => {
  it('answers the peers already in the call and announces the newcomer to them', async () => {
    const r = await setup()
    const { interviewer, candidate, observer } = r

    expect(await join(interviewer)).toEqual([])
    expect(await join(candidate)).toEqual([peer(interviewer, 'interviewer')])
    expect(await join(observer)).toEqual([peer(interviewer, 'interviewer'), peer(candidate, 'candidate')])
    await settle(...r.all)

    expect(payloads(interviewer, AudioEvent.PeerJoined)).toEqual([
      peer(candidate, 'candidate'),
      peer(observer, 'observer'),
    ])
    expect(payloads(candidate, AudioEvent.PeerJoined)).toEqual([peer(observer, 'observer')])
    expect(payloads(observer, AudioEvent.PeerJoined)).toEqual([])
  })

  it('does not list a socket as its own peer when it joins again', async () => {
    const r = await setup()
    await join(r.interviewer)
    await join(r.candidate)
    expect(await join(r.candidate)).toEqual([peer(r.interviewer, 'interviewer')])
  })

  it.each([
    ['a field', { role: 'interviewer' }],
    ['a string', 'join'],
    ['an array', []],
  ])('refuses a join payload with %s', async (_label, payload) => {
    const r = await setup()
    await join(r.interviewer)
    const ack = await send(r.candidate, AudioEvent.Join, payload)
    expect(ack.ok).toBe(false)
    await settle(...r.all)
    expect(payloads(r.candidate, SocketEvent.PayloadError)).toEqual([
      { event: AudioEvent.Join, message: expect.any(String) },
    ])
    expect(payloads(r.interviewer, AudioEvent.PeerJoined)).toEqual([])
    // Not in the call: it cannot signal.
    await refused(r.candidate, { to: r.interviewer.id, candidate: CANDIDATE }, /join/i)
  })
})

describe('audio:signal relay', () => {
  it('delivers a signal only to the addressed socket, from the sender', async () => {
    const r = await setup()
    const mark = await allJoined(r)
    const offer = { type: 'offer', sdp: sdp({ media: 'sendrecv' }) }

    await signal(r.interviewer, { to: r.candidate.id, description: offer })
    await signal(r.candidate, {
      to: r.interviewer.id,
      description: { type: 'answer', sdp: sdp({ media: 'sendrecv' }) },
    })
    await signal(r.candidate, { to: r.interviewer.id, candidate: CANDIDATE })
    await signal(r.interviewer, { to: r.candidate.id, candidate: { candidate: '', sdpMid: null, sdpMLineIndex: null } })
    await settle(...r.all)

    expect(since(r.candidate, mark)).toEqual([
      { event: AudioEvent.Signal, payload: { from: r.interviewer.id, description: offer } },
      {
        event: AudioEvent.Signal,
        payload: { from: r.interviewer.id, candidate: { candidate: '', sdpMid: null, sdpMLineIndex: null } },
      },
    ])
    expect(since(r.interviewer, mark)).toEqual([
      {
        event: AudioEvent.Signal,
        payload: { from: r.candidate.id, description: { type: 'answer', sdp: sdp({ media: 'sendrecv' }) } },
      },
      { event: AudioEvent.Signal, payload: { from: r.candidate.id, candidate: CANDIDATE } },
    ])
    // The third socket receives nothing at all.
    expect(since(r.observer, mark)).toEqual([])
  })

  it('does not let a client set `from`', async () => {
    const r = await setup()
    const mark = await allJoined(r)
    await refused(r.observer, { to: r.candidate.id, from: r.interviewer.id, candidate: CANDIDATE }, /from/)
    await signal(r.observer, { to: r.candidate.id, candidate: CANDIDATE })
    await settle(...r.all)
    expect(payloads<RelayedSignal>(r.candidate, AudioEvent.Signal, mark.get(r.candidate))).toEqual([
      { from: r.observer.id, candidate: CANDIDATE },
    ])
    expect(since(r.interviewer, mark)).toEqual([])
  })

  it('refuses signalling before joining the audio', async () => {
    const r = await setup()
    await join(r.candidate)
    const mark = marks(r.all)
    await refused(r.interviewer, { to: r.candidate.id, description: { type: 'offer', sdp: sdp() } }, /join/i)
    await settle(...r.all)
    expect(since(r.candidate, mark)).toEqual([])
  })

  it('refuses a signal to a socket that is not in the call', async () => {
    const r = await setup()
    await join(r.interviewer)
    await join(r.candidate)
    await settle(...r.all)
    const mark = marks(r.all)
    // In the room but not in the call; then an id nobody has.
    await refused(r.interviewer, { to: r.observer.id, candidate: CANDIDATE }, /not in the audio/)
    await refused(r.interviewer, { to: 'no-such-socket', candidate: CANDIDATE }, /not in the audio/)
    await settle(...r.all)
    for (const client of r.all.slice(1)) expect(since(client, mark), client.name).toEqual([])
  })

  const MAX_SDP = 64 * 1024
  it.each<[string, (to: string) => unknown]>([
    ['neither a description nor a candidate', (to) => ({ to })],
    [
      'both a description and a candidate',
      (to) => ({ to, description: { type: 'offer', sdp: sdp() }, candidate: CANDIDATE }),
    ],
    ['an sdp over 64 KiB', (to) => ({ to, description: { type: 'offer', sdp: 'a'.repeat(MAX_SDP + 1) } })],
    ['no `to`', () => ({ candidate: CANDIDATE })],
    ['an empty `to`', () => ({ to: '', candidate: CANDIDATE })],
    ['a number as `to`', () => ({ to: 5, candidate: CANDIDATE })],
    ['a pranswer', (to) => ({ to, description: { type: 'pranswer', sdp: sdp() } })],
    ['a rollback', (to) => ({ to, description: { type: 'rollback', sdp: '' } })],
    ['a number as sdp', (to) => ({ to, description: { type: 'offer', sdp: 7 } })],
    ['a description without sdp', (to) => ({ to, description: { type: 'offer' } })],
    ['a string as candidate', (to) => ({ to, candidate: CANDIDATE.candidate })],
    ['a negative sdpMLineIndex', (to) => ({ to, candidate: { ...CANDIDATE, sdpMLineIndex: -1 } })],
    ['a fractional sdpMLineIndex', (to) => ({ to, candidate: { ...CANDIDATE, sdpMLineIndex: 0.5 } })],
    ['a candidate over 2 KiB', (to) => ({ to, candidate: { ...CANDIDATE, candidate: 'c'.repeat(2_049) } })],
    ['an unknown top-level field', (to) => ({ to, candidate: CANDIDATE, extra: 1 })],
    ['an unknown description field', (to) => ({ to, description: { type: 'offer', sdp: sdp(), extra: 1 } })],
    ['an unknown candidate field', (to) => ({ to, candidate: { ...CANDIDATE, extra: 1 } })],
    ['a string payload', () => 'offer'],
    ['null', () => null],
    ['an array', (to) => [to, CANDIDATE]],
  ])('refuses a signal with %s', async (_label, make) => {
    const r = await setup()
    const mark = await allJoined(r)
    const error = await refused(r.interviewer, make(r.candidate.id))
    expect(error).toMatch(/invalid audio:signal payload/)
    await settle(...r.all)
    expect(since(r.candidate, mark)).toEqual([])
    expect(since(r.observer, mark)).toEqual([])
  })

  it('relays an sdp of exactly 64 KiB', async () => {
    const r = await setup()
    const mark = await allJoined(r)
    const big = { type: 'offer', sdp: sdp({ media: 'sendrecv' }).padEnd(MAX_SDP, 'a') }
    expect(big.sdp).toHaveLength(MAX_SDP)
    await signal(r.interviewer, { to: r.candidate.id, description: big })
    await settle(r.candidate)
    expect(payloads(r.candidate, AudioEvent.Signal, mark.get(r.candidate))).toEqual([
      { from: r.interviewer.id, description: big },
    ])
  })
})

describe('the observer listens only', () => {
  it.each<[string, Parameters<typeof sdp>[0], 'offer' | 'answer']>([
    ['an a=sendrecv offer', { media: 'sendrecv' }, 'offer'],
    ['an a=sendonly offer', { media: 'sendonly' }, 'offer'],
    ['an a=sendrecv answer', { media: 'sendrecv' }, 'answer'],
    ['an a=sendonly answer', { media: 'sendonly' }, 'answer'],
    ['a session-level a=sendonly', { session: 'sendonly' }, 'offer'],
    ['a session-level a=sendrecv over a media-level a=recvonly', { session: 'sendrecv', media: 'recvonly' }, 'offer'],
    // RFC 4566 §6 / RFC 3264 §5.1: without a direction attribute, a media section is sendrecv.
    ['an offer with no direction attribute', {}, 'offer'],
    [
      'a second media section with no direction attribute',
      { media: 'recvonly', extra: 'm=audio 9 UDP/TLS/RTP/SAVPF 111' },
      'offer',
    ],
  ])('refuses %s and never delivers it', async (_label, directions, type) => {
    const r = await setup()
    const mark = await allJoined(r)
    for (const target of [r.interviewer, r.candidate]) {
      await refused(r.observer, { to: target.id, description: { type, sdp: sdp(directions) } }, /[Oo]bserver/)
    }
    await settle(...r.all)
    expect(since(r.interviewer, mark)).toEqual([])
    expect(since(r.candidate, mark)).toEqual([])
  })

  it('refuses a sending description written with LF line endings', async () => {
    const r = await setup()
    await allJoined(r)
    await refused(r.observer, { to: r.candidate.id, description: { type: 'offer', sdp: 'v=0\na=sendrecv\n' } })
    await refused(r.observer, {
      to: r.candidate.id,
      description: { type: 'offer', sdp: sdp({ media: 'sendonly' }).replaceAll('\r\n', '\n') },
    })
  })

  it('delivers its a=recvonly offer, a=inactive answer and its candidates', async () => {
    const r = await setup()
    const mark = await allJoined(r)
    const offer = { type: 'offer', sdp: sdp({ media: 'recvonly' }) }
    const answer = { type: 'answer', sdp: sdp({ media: 'inactive' }) }
    await signal(r.observer, { to: r.candidate.id, description: offer })
    await signal(r.observer, { to: r.candidate.id, candidate: CANDIDATE })
    await signal(r.observer, { to: r.interviewer.id, description: answer })
    await settle(...r.all)
    expect(since(r.candidate, mark)).toEqual([
      { event: AudioEvent.Signal, payload: { from: r.observer.id, description: offer } },
      { event: AudioEvent.Signal, payload: { from: r.observer.id, candidate: CANDIDATE } },
    ])
    expect(since(r.interviewer, mark)).toEqual([
      { event: AudioEvent.Signal, payload: { from: r.observer.id, description: answer } },
    ])
  })

  it('delivers an offer that is recvonly at session level, and a data-channel section', async () => {
    const r = await setup()
    const mark = await allJoined(r)
    const offers = [
      { type: 'offer', sdp: sdp({ session: 'recvonly' }) },
      { type: 'offer', sdp: sdp({ media: 'recvonly', extra: 'm=application 9 UDP/DTLS/SCTP webrtc-datachannel' }) },
    ]
    for (const description of offers) await signal(r.observer, { to: r.candidate.id, description })
    await settle(r.candidate)
    expect(payloads(r.candidate, AudioEvent.Signal, mark.get(r.candidate))).toEqual(
      offers.map((description) => ({ from: r.observer.id, description }))
    )
  })

  it('lets the interviewer and candidate send sendrecv descriptions to the observer', async () => {
    const r = await setup()
    const mark = await allJoined(r)
    const offer = { type: 'offer', sdp: sdp({ media: 'sendrecv' }) }
    await signal(r.interviewer, { to: r.observer.id, description: offer })
    await signal(r.candidate, { to: r.observer.id, description: { type: 'offer', sdp: sdp() } })
    await settle(r.observer)
    expect(payloads<RelayedSignal>(r.observer, AudioEvent.Signal, mark.get(r.observer)).map((s) => s.from)).toEqual([
      r.interviewer.id,
      r.candidate.id,
    ])
  })
})

describe('leaving the audio', () => {
  it('announces audio:leave to the others, and the leaver can no longer be signalled', async () => {
    const r = await setup()
    const mark = await allJoined(r)
    const ack = await send(r.candidate, AudioEvent.Leave, {})
    expect(ack).toEqual({ ok: true })
    await settle(...r.all)
    expect(since(r.interviewer, mark)).toEqual([{ event: AudioEvent.PeerLeft, payload: { socketId: r.candidate.id } }])
    expect(since(r.observer, mark)).toEqual([{ event: AudioEvent.PeerLeft, payload: { socketId: r.candidate.id } }])
    expect(since(r.candidate, mark)).toEqual([])

    await refused(r.interviewer, { to: r.candidate.id, candidate: CANDIDATE }, /not in the audio/)
    await refused(r.candidate, { to: r.interviewer.id, candidate: CANDIDATE }, /join/i)
    // Joining again lists the ones still there.
    expect(await join(r.candidate)).toEqual([peer(r.interviewer, 'interviewer'), peer(r.observer, 'observer')])
  })

  it('announces nothing when a socket that never joined leaves', async () => {
    const r = await setup()
    await join(r.interviewer)
    await settle(...r.all)
    const mark = marks(r.all)
    expect(await send(r.candidate, AudioEvent.Leave, {})).toEqual({ ok: true })
    await settle(...r.all)
    expect(since(r.interviewer, mark)).toEqual([])
  })

  it('announces a disconnect to the others in the call', async () => {
    const r = await setup()
    const mark = await allJoined(r)
    r.observer.socket.disconnect()
    const left = (c: Client) => payloads(c, AudioEvent.PeerLeft, mark.get(c))
    await waitFor(() => left(r.interviewer).length > 0 && left(r.candidate).length > 0, 'audio:peer-left')
    await settle(r.interviewer, r.candidate)
    expect(left(r.interviewer)).toEqual([{ socketId: r.observer.id }])
    expect(left(r.candidate)).toEqual([{ socketId: r.observer.id }])
    await refused(r.interviewer, { to: r.observer.id, candidate: CANDIDATE }, /not in the audio/)
  })
})

describe('rooms are separate calls', () => {
  it('never shows one room’s peers or signals to another', async () => {
    const r = await setup()
    const mark = await allJoined(r)
    const elsewhere = await createRoom(r.server)
    const stranger = await connect(r.server, elsewhere.roomId, elsewhere.tokens.interviewer, 'Sam')
    const friend = await connect(r.server, elsewhere.roomId, elsewhere.tokens.candidate, 'Fay')
    const strangerMark = stranger.events.length

    expect(await join(stranger)).toEqual([])
    expect(await join(friend)).toEqual([peer(stranger, 'interviewer')])
    await refused(stranger, { to: r.candidate.id, candidate: CANDIDATE }, /not in the audio/)
    await refused(r.candidate, { to: stranger.id, candidate: CANDIDATE }, /not in the audio/)
    await signal(r.interviewer, { to: r.candidate.id, candidate: CANDIDATE })
    await signal(stranger, { to: friend.id, candidate: CANDIDATE })
    await send(r.candidate, AudioEvent.Leave, {})
    await settle(...r.all, stranger, friend)

    // This room saw none of the other's audio events, and the other none of this room's.
    const audioEvents = (events: Received[]) => events.filter((e) => e.event.startsWith('audio:'))
    for (const client of r.all) {
      for (const e of audioEvents(since(client, mark))) {
        expect(JSON.stringify(e), client.name).not.toContain(stranger.id)
        expect(JSON.stringify(e), client.name).not.toContain(friend.id)
      }
    }
    expect(payloads(r.candidate, AudioEvent.Signal, mark.get(r.candidate))).toEqual([
      { from: r.interviewer.id, candidate: CANDIDATE },
    ])
    expect(audioEvents(stranger.events.slice(strangerMark))).toEqual([
      { event: AudioEvent.PeerJoined, payload: peer(friend, 'candidate') },
    ])
    expect(audioEvents(friend.events)).toEqual([
      { event: AudioEvent.Signal, payload: { from: stranger.id, candidate: CANDIDATE } },
    ])
  })
})

describe('audio message rate', () => {
  it('refuses audio signals past the per-socket budget; the peer is sent only what was accepted', async () => {
    const r = await setup()
    const mark = await allJoined(r)
    const startedAt = Date.now()
    const acks = await withTimeout(
      Promise.all(
        Array.from({ length: 1_000 }, (_, i) =>
          send(r.observer, AudioEvent.Signal, { to: r.interviewer.id, candidate: { candidate: `candidate:${i}` } })
        )
      ),
      'every signal to be answered',
      30_000
    )
    const seconds = (Date.now() - startedAt) / 1000
    const accepted = acks.filter((a) => a.ok).length
    // A burst of 200, then 50 a second.
    expect(accepted).toBeGreaterThanOrEqual(200)
    expect(accepted).toBeLessThanOrEqual(200 + Math.ceil(50 * seconds) + 1)
    expect(acks.find((a) => !a.ok)).toEqual({ ok: false, error: expect.stringMatching(/Too many audio messages/) })
    await settle(r.interviewer)
    const relayed = since(r.interviewer, mark).filter((e) => e.event === AudioEvent.Signal)
    expect(relayed).toHaveLength(accepted)
  })
})
