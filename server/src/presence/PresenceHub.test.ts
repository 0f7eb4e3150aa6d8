import {
  applyPresenceChange,
  PARTICIPANT_COLORS,
  PROTOCOL_VERSION,
  SocketEvent,
  type HelloPayload,
  type Participant,
  type PayloadErrorPayload,
  type PresenceStatusPayload,
} from '@loopboard/protocol'
import { describe, expect, it } from 'vitest'
import { participantIdFor } from '../rooms/participantId.ts'
import {
  createRoom,
  newTabSecret,
  useTestContext,
  waitFor,
  withTimeout,
  type PresenceClient,
  type TestServer,
} from '../test/helpers.ts'

const ctx = useTestContext()

interface Recorded {
  hello: HelloPayload[]
  /** The participant list as the client builds it from the snapshot and the changes after it. */
  views: Participant[][]
  snapshots: Participant[][]
  joined: Participant[]
  left: Participant[]
  updated: Participant[]
  errors: PayloadErrorPayload[]
}

/** Record every server event of `socket` from the start. */
function record(socket: PresenceClient): Recorded {
  const r: Recorded = { hello: [], views: [], snapshots: [], joined: [], left: [], updated: [], errors: [] }
  const view = (next: Participant[]) => r.views.push(next)
  const current = () => r.views.at(-1) ?? []
  socket.on(SocketEvent.Hello, (p) => r.hello.push(p))
  socket.on(SocketEvent.PresenceSnapshot, (p) => {
    r.snapshots.push(p.participants)
    view(applyPresenceChange(current(), { type: 'snapshot', participants: p.participants }))
  })
  socket.on(SocketEvent.PresenceJoined, (p) => {
    r.joined.push(p)
    view(applyPresenceChange(current(), { type: 'joined', participant: p }))
  })
  socket.on(SocketEvent.PresenceLeft, (p) => {
    r.left.push(p)
    view(applyPresenceChange(current(), { type: 'left', participant: p }))
  })
  socket.on(SocketEvent.PresenceUpdated, (p) => {
    r.updated.push(p)
    view(applyPresenceChange(current(), { type: 'updated', participant: p }))
  })
  socket.on(SocketEvent.PayloadError, (p) => r.errors.push(p))
  return r
}

/** Resolve when `check` holds, re-checking on every event the socket receives. */
function until(socket: PresenceClient, check: () => boolean, label: string) {
  return withTimeout(
    new Promise<void>((resolve) => {
      // onAny listeners run before the event's own listeners (which record it), so check afterwards.
      const onAny = () => queueMicrotask(test)
      const test = () => {
        if (!check()) return
        socket.offAny(onAny)
        resolve()
      }
      socket.onAny(onAny)
      test()
    }),
    label
  )
}

function connectError(socket: PresenceClient) {
  return withTimeout(
    new Promise<Error & { data?: { code?: string } }>((resolve, reject) => {
      socket.once('connect_error', resolve)
      socket.once('connect', () => reject(new Error('connected unexpectedly')))
    }),
    'connect_error'
  )
}

async function join(server: TestServer, roomId: string, token: string, name: string) {
  const socket = ctx.presence(server, { roomId, token, name, tab: newTabSecret() })
  const events = record(socket)
  await until(socket, () => events.hello.length > 0, `${name} to get hello`)
  return { socket, events, id: events.hello[0]!.you.id }
}

const names = (participants: Participant[] | undefined) => (participants ?? []).map((p) => p.name).sort()

describe('presence handshake', () => {
  type Auth = Record<string, unknown>
  it.each<[string, (good: Auth) => Auth]>([
    ['no fields at all', () => ({})],
    ['no roomId', ({ roomId: _, ...rest }) => rest],
    ['no token', ({ token: _, ...rest }) => rest],
    ['an empty token', (good) => ({ ...good, token: '' })],
    ['a blank name', (good) => ({ ...good, name: '   ' })],
    ['a name over 40 characters', (good) => ({ ...good, name: 'n'.repeat(41) })],
    ['a malformed tab secret', (good) => ({ ...good, tab: 'short' })],
    ['a string protocolVersion', (good) => ({ ...good, protocolVersion: '1' })],
  ])('refuses %s with connect_error bad_request', async (_name, mangle) => {
    const server = await ctx.server()
    const room = await createRoom(server)
    const good: Auth = {
      roomId: room.roomId,
      token: room.tokens.candidate,
      name: 'Ann',
      tab: newTabSecret(),
      protocolVersion: PROTOCOL_VERSION,
    }
    const socket = ctx.presence(server, mangle(good), true)
    const error = await connectError(socket)
    expect(error.data?.code).toBe('bad_request')
    expect(server.presence.list(room.roomId)).toEqual([])
  })

  it('refuses another protocol version', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    const socket = ctx.presence(server, {
      roomId: room.roomId,
      token: room.tokens.candidate,
      name: 'Ann',
      protocolVersion: PROTOCOL_VERSION + 1,
    })
    const error = await connectError(socket)
    expect(error.data?.code).toBe('bad_request')
    expect(error.message).toMatch(/protocol/)
  })

  it('refuses a wrong token with forbidden and an unknown room with not_found', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    const other = await createRoom(server)
    for (const token of ['x'.repeat(43), other.tokens.interviewer]) {
      const error = await connectError(ctx.presence(server, { roomId: room.roomId, token, name: 'Eve' }))
      expect(error.data?.code).toBe('forbidden')
    }
    const missing = await connectError(
      ctx.presence(server, { roomId: 'nope', token: room.tokens.interviewer, name: 'Eve' })
    )
    expect(missing.data?.code).toBe('not_found')
    expect(server.presence.list(room.roomId)).toEqual([])
  })

  it('greets a participant with the role its token proves and the id the server issues', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    const tab = newTabSecret()
    const socket = ctx.presence(server, {
      roomId: room.roomId,
      token: room.tokens.observer,
      name: '  Olga ',
      tab,
      userId: 'u-o',
      role: 'interviewer',
    })
    const events = record(socket)
    await until(socket, () => events.hello.length > 0, 'hello')
    expect(events.hello[0]).toMatchObject({
      protocolVersion: PROTOCOL_VERSION,
      you: { name: 'Olga', userId: participantIdFor(room.roomId, 'observer', tab), role: 'observer', status: 'online' },
    })
    // The id it claimed means nothing; the same tab on another link is another participant.
    expect(events.hello[0]!.you.userId).not.toBe('u-o')
    expect(participantIdFor(room.roomId, 'candidate', tab)).not.toBe(events.hello[0]!.you.userId)
  })

  it('gives a connection without a tab secret an id of its own', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    const ids = await Promise.all(
      ['A', 'B'].map(async (name) => {
        const socket = ctx.presence(server, { roomId: room.roomId, token: room.tokens.candidate, name })
        const events = record(socket)
        await until(socket, () => events.hello.length > 0, 'hello')
        return events.hello[0]!.you.userId
      })
    )
    expect(ids[0]).not.toBe(ids[1])
  })
})

describe('presence in a room', () => {
  it('shows participants to each other as they join and leave', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    const elsewhere = await createRoom(server)
    const stranger = await join(server, elsewhere.roomId, elsewhere.tokens.candidate, 'Stranger')
    const ann = await join(server, room.roomId, room.tokens.interviewer, 'Ann')
    await until(ann.socket, () => names(ann.events.views.at(-1)).join() === 'Ann', 'ann’s first snapshot')

    const bob = await join(server, room.roomId, room.tokens.candidate, 'Bob')
    await until(
      ann.socket,
      () => ann.events.joined.length === 1 && names(ann.events.views.at(-1)).length === 2,
      'ann to see bob'
    )
    await until(bob.socket, () => names(bob.events.views.at(-1)).length === 2, 'bob to see both')
    expect(ann.events.joined[0]).toMatchObject({ id: bob.id, name: 'Bob', role: 'candidate', status: 'online' })
    expect(bob.events.joined).toEqual([])
    for (const view of [ann.events.views.at(-1), bob.events.views.at(-1)]) {
      expect(view?.map((p) => [p.name, p.role])).toEqual([
        ['Ann', 'interviewer'],
        ['Bob', 'candidate'],
      ])
    }

    bob.socket.disconnect()
    await until(
      ann.socket,
      () => ann.events.left.length === 1 && names(ann.events.views.at(-1)).length === 1,
      'ann to see bob leave'
    )
    expect(ann.events.left[0]).toMatchObject({ id: bob.id, name: 'Bob' })
    expect(server.presence.list(room.roomId).map((p) => p.name)).toEqual(['Ann'])

    // Another room saw none of it.
    expect(stranger.events.joined).toEqual([])
    expect(stranger.events.left).toEqual([])
    expect(names(stranger.events.views.at(-1))).toEqual(['Stranger'])
  })

  it('gives everyone in a room a colour nobody else there holds, and frees it when they leave', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    const ann = await join(server, room.roomId, room.tokens.interviewer, 'Ann')
    const bob = await join(server, room.roomId, room.tokens.candidate, 'Bob')
    const cy = await join(server, room.roomId, room.tokens.observer, 'Cy')
    const colours = () => server.presence.list(room.roomId).map((p) => p.color)
    expect(new Set(colours()).size).toBe(3)
    expect(colours().every((c) => (PARTICIPANT_COLORS as readonly string[]).includes(c))).toBe(true)
    // Everyone hears the same colours the server holds.
    await until(
      ann.socket,
      () => (ann.events.views.at(-1) ?? []).map((p) => p.color).join() === colours().join(),
      'ann to see three colours'
    )
    const bobColour = bob.events.hello[0]!.you.color
    bob.socket.disconnect()
    await until(ann.socket, () => names(ann.events.views.at(-1)).length === 2, 'bob to leave')
    const dee = await join(server, room.roomId, room.tokens.candidate, 'Dee')
    expect(dee.events.hello[0]!.you.color).toBe(bobColour)
    expect(new Set(colours()).size).toBe(3)
    expect(cy.events.hello[0]!.you.color).not.toBe(ann.events.hello[0]!.you.color)
  })

  it('rejects an invalid presence:status with error:payload and ack {ok:false}, changing nothing', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    const ann = await join(server, room.roomId, room.tokens.interviewer, 'Ann')
    const bob = await join(server, room.roomId, room.tokens.candidate, 'Bob')
    await until(ann.socket, () => names(ann.events.views.at(-1)).length === 2, 'both present')
    await until(bob.socket, () => names(bob.events.views.at(-1)).length === 2, 'both present')
    const bobViewsBefore = bob.events.views.length

    const invalid = [{ status: 'sleeping' }, { status: 'away', extra: true }, { nope: 1 }, 'away', null]
    for (const payload of invalid) {
      const ack = await withTimeout(
        ann.socket.emitWithAck(SocketEvent.PresenceStatus, payload as unknown as PresenceStatusPayload),
        'ack'
      )
      expect(ack).toMatchObject({ ok: false, error: expect.stringContaining('presence:status') })
    }
    await until(ann.socket, () => ann.events.errors.length === invalid.length, 'one error:payload per bad payload')
    for (const e of ann.events.errors)
      expect(e).toMatchObject({ event: SocketEvent.PresenceStatus, message: expect.any(String) })
    expect(server.presence.list(room.roomId).map((p) => p.status)).toEqual(['online', 'online'])
    expect(bob.events.errors).toEqual([])

    // A valid change goes through; bob gets exactly that one change (none for the bad payloads).
    expect(await withTimeout(ann.socket.emitWithAck(SocketEvent.PresenceStatus, { status: 'away' }), 'ack')).toEqual({
      ok: true,
    })
    await until(bob.socket, () => bob.events.views.length > bobViewsBefore, 'bob to get the change')
    expect(bob.events.views.length).toBe(bobViewsBefore + 1)
    expect(bob.events.updated).toHaveLength(1)
    const annSeenByBob = bob.events.views.at(-1)?.find((p) => p.id === ann.id)
    expect(annSeenByBob?.status).toBe('away')
    expect(bob.events.views.at(-1)?.find((p) => p.id === bob.id)?.status).toBe('online')
  })

  it('accepts a valid status without an ack callback', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    const ann = await join(server, room.roomId, room.tokens.candidate, 'Ann')
    ann.socket.emit(SocketEvent.PresenceStatus, { status: 'away' })
    await until(ann.socket, () => ann.events.views.at(-1)?.[0]?.status === 'away', 'ann to be away')
    expect(server.presence.list(room.roomId)[0]?.status).toBe('away')
  })
})

describe('presence at scale', () => {
  it('sends a joiner the list once and everyone else only the joiner (O(n) per join, not O(n²))', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    const members: Array<Awaited<ReturnType<typeof join>>> = []
    for (let i = 0; i < 6; i++) members.push(await join(server, room.roomId, room.tokens.observer, `P${i}`))
    const last = members.at(-1)!
    for (const m of members) await until(m.socket, () => m.events.views.at(-1)?.length === 6, `${m.id} to see six`)
    // Each member got one snapshot (its own, on joining) and one `joined` per later member.
    members.forEach((m, i) => {
      expect(m.events.snapshots).toHaveLength(1)
      expect(m.events.snapshots[0]).toHaveLength(i + 1)
      expect(m.events.joined).toHaveLength(members.length - 1 - i)
    })
    last.socket.emit(SocketEvent.PresenceStatus, { status: 'away' })
    await until(members[0]!.socket, () => members[0]!.events.updated.length === 1, 'the status change')
    expect(members[0]!.events.updated[0]).toMatchObject({ id: last.id, status: 'away' })
    expect(members[0]!.events.snapshots).toHaveLength(1)
  })

  it('refuses a handshake past MAX_ROOM_PARTICIPANTS with room_full; another room is unaffected', async () => {
    const server = await ctx.server({ maxRoomParticipants: 2 })
    const room = await createRoom(server)
    const other = await createRoom(server)
    await join(server, room.roomId, room.tokens.interviewer, 'Ann')
    const bob = await join(server, room.roomId, room.tokens.candidate, 'Bob')
    const third = ctx.presence(server, { roomId: room.roomId, token: room.tokens.observer, name: 'Cy', userId: 'u-c' })
    const error = await connectError(third)
    expect(error.data?.code).toBe('room_full')
    expect(error.message).toMatch(/full \(2 participants\)/)
    await join(server, other.roomId, other.tokens.observer, 'Elsewhere')
    // A seat frees up when someone leaves.
    bob.socket.disconnect()
    await waitFor(() => server.presence.list(room.roomId).length === 1, 'bob to leave')
    await join(server, room.roomId, room.tokens.observer, 'Cy')
  })
})
