import {
  ControlAction,
  InterviewEvent,
  InterviewStatus,
  MAX_COMMENT_LENGTH,
  MAX_FEEDBACK_LENGTH,
  MAX_NOTE_LENGTH,
  Role,
  ScorecardSchema,
  SocketEvent,
  type CommandAck,
  type CreateRoomResponse,
  type Feedback,
  type InterviewerView,
  type InterviewView,
  type Note,
  type Participant,
  type PayloadErrorPayload,
  type Scorecard,
} from '@loopboard/protocol'
import { getPrompt, toPublicPrompt } from '@loopboard/prompts'
import type { Socket } from 'socket.io-client'
import { describe, expect, it } from 'vitest'
import { createRoom, httpBase, useTestContext, waitFor, withTimeout, type TestServer } from './helpers.ts'

const ctx = useTestContext()

const SPOTIFY = getPrompt('design-spotify')!
const OTHER_PROMPT_ID = 'audio-streaming-service'

interface Received {
  event: string
  payload: unknown
}

interface Client {
  name: string
  /** Untyped, so tests can send whatever a misbehaving client would. */
  socket: Socket
  /** Every event the server sent this socket, in arrival order (acks excluded). */
  events: Received[]
}

const VIEW_KEYS = [
  'phaseElapsedMs',
  'phaseIndex',
  'phaseResumedAt',
  'prompt',
  'revealedHints',
  'round',
  'serverNow',
  'sessionStartedAt',
  'status',
].sort()

/** Connect with `token` and record every event from the first one on. */
async function connect(server: TestServer, roomId: string, token: string, name: string): Promise<Client> {
  const socket = ctx.presence(server, { roomId, token, name, userId: `user-${name}` }) as unknown as Socket
  const client: Client = { name, socket, events: [] }
  socket.onAny((event: string, ...args: unknown[]) => client.events.push({ event, payload: args[0] }))
  await waitFor(() => payloads(client, InterviewEvent.State).length > 0, `${name} to get interview:state`)
  await settle(client)
  return client
}

function payloads<T>(client: Client, event: string): T[] {
  return client.events.filter((e) => e.event === event).map((e) => e.payload as T)
}

function last<T>(client: Client, event: string): T {
  const all = payloads<T>(client, event)
  if (all.length === 0) throw new Error(`${client.name} has received no ${event}`)
  return all.at(-1)!
}

/** Everything `client` has received, as one string, to search for secrets. */
const received = (client: Client) => JSON.stringify(client.events)

/** Send a command and wait for its acknowledgement. */
function send<T = object>(client: Client, event: string, payload?: unknown): Promise<CommandAck<T>> {
  return withTimeout(
    client.socket.emitWithAck(event, payload) as Promise<CommandAck<T>>,
    `${client.name}: ${event} ack`
  )
}

async function ok<T = object>(client: Client, event: string, payload?: unknown): Promise<{ ok: true } & T> {
  const ack = await send<T>(client, event, payload)
  if (!ack.ok) throw new Error(`${event} by ${client.name} was refused: ${ack.error}`)
  return ack
}

/**
 * A round trip on each socket. socket.io keeps order per connection, so once the answer is in,
 * every event the server emitted to that socket before (e.g. because of another socket's
 * already-acknowledged command) has been received too.
 */
async function settle(...clients: Client[]): Promise<void> {
  await Promise.all(
    clients.map((c) => withTimeout(c.socket.emitWithAck(InterviewEvent.TimeSync, {}), `${c.name}: time:sync`))
  )
}

interface Room {
  server: TestServer
  room: CreateRoomResponse
  roomId: string
  interviewer: Client
  candidate: Client
  observer: Client
  all: Client[]
}

async function setup(): Promise<Room> {
  const server = await ctx.server()
  const room = await createRoom(server)
  const interviewer = await connect(server, room.roomId, room.tokens.interviewer, 'Ivy')
  const candidate = await connect(server, room.roomId, room.tokens.candidate, 'Cam')
  const observer = await connect(server, room.roomId, room.tokens.observer, 'Oli')
  const all = [interviewer, candidate, observer]
  await settle(...all)
  return { server, room, roomId: room.roomId, interviewer, candidate, observer, all }
}

function session(server: TestServer, roomId: string, token: string) {
  return fetch(`${httpBase(server)}/api/rooms/${roomId}/session`, { headers: { authorization: `Bearer ${token}` } })
}

/** What the server holds for a room, to compare before and after refused commands. */
async function snapshot(r: Room) {
  const { server, roomId } = r
  const all = <T>(promises: Array<Promise<T>>) => Promise.all(promises)
  return {
    state: { ...(await server.interview.state(roomId)) },
    room: await server.rooms.get(roomId),
    notes: await all(
      [Role.Interviewer, Role.Candidate, Role.Observer].map((seat) => server.interview.notes(roomId, seat))
    ),
    scorecards: await all([Role.Interviewer, Role.Candidate].map((seat) => server.interview.scorecard(roomId, seat))),
    feedback: await all([Role.Interviewer, Role.Candidate].map((seat) => server.interview.feedback(roomId, seat))),
    customPrompts: ((await server.interview.view(roomId, Role.Interviewer)) as InterviewerView).customPrompts,
    timeline: ctx
      .database(server)
      .prepare('SELECT ts, type, data FROM events WHERE room_id = ? ORDER BY id')
      .all(roomId),
  }
}

describe('interview views', () => {
  it('gives guidance to the interviewer only and hands hints out one at a time, exactly as revealed', async () => {
    const { interviewer, candidate, observer } = await setup()
    const initial = last<InterviewerView>(interviewer, InterviewEvent.State)
    expect(initial).toMatchObject({ guidance: null, customPrompts: [], prompt: null, status: 'not-started' })

    await ok(interviewer, InterviewEvent.SetPrompt, { promptId: SPOTIFY.id })
    await settle(interviewer, candidate, observer)

    const mine = last<InterviewerView>(interviewer, InterviewEvent.State)
    expect(mine.guidance).toEqual(SPOTIFY)
    expect(mine.guidance?.hints).toEqual(SPOTIFY.hints)
    expect(mine.customPrompts).toEqual([])
    expect(mine.prompt).toEqual(toPublicPrompt(SPOTIFY))

    const privateStrings = [
      ...SPOTIFY.strongAnswer,
      ...SPOTIFY.deepDives,
      ...SPOTIFY.clarifyingQuestions,
      ...SPOTIFY.rubric.map((d) => d.description),
      ...SPOTIFY.estimates.map((e) => e.reasoning),
    ]
    for (const viewer of [candidate, observer]) {
      const view = last<InterviewView>(viewer, InterviewEvent.State)
      expect(Object.keys(view).sort()).toEqual(VIEW_KEYS)
      expect(view.prompt).toEqual(toPublicPrompt(SPOTIFY))
      expect(view.revealedHints).toEqual([])
      for (const e of payloads<object>(viewer, InterviewEvent.State)) {
        expect(e).not.toHaveProperty('guidance')
        expect(e).not.toHaveProperty('customPrompts')
      }
      const all = received(viewer)
      for (const hint of SPOTIFY.hints) expect(all).not.toContain(JSON.stringify(hint).slice(1, -1))
      for (const secret of privateStrings) expect(all).not.toContain(JSON.stringify(secret).slice(1, -1))
    }

    for (let revealed = 1; revealed <= SPOTIFY.hints.length; revealed++) {
      await ok(interviewer, InterviewEvent.RevealHint, {})
      await settle(interviewer, candidate, observer)
      for (const viewer of [candidate, observer]) {
        const view = last<InterviewView>(viewer, InterviewEvent.State)
        expect(view.revealedHints).toEqual(SPOTIFY.hints.slice(0, revealed))
        expect(view).not.toHaveProperty('guidance')
        const all = received(viewer)
        SPOTIFY.hints.forEach((hint, i) => {
          const text = JSON.stringify(hint).slice(1, -1)
          if (i < revealed) expect(all, `hint ${i} after ${revealed} reveals`).toContain(text)
          else expect(all, `hint ${i} after ${revealed} reveals`).not.toContain(text)
        })
        for (const secret of privateStrings) expect(all).not.toContain(JSON.stringify(secret).slice(1, -1))
      }
      expect(last<InterviewerView>(interviewer, InterviewEvent.State).revealedHints).toHaveLength(revealed)
    }
  })

  it('lists the room’s own prompts to the interviewer only, and keeps their hints and guidance private', async () => {
    const { interviewer, candidate, observer } = await setup()
    const input = {
      title: 'Design a lyrics service',
      statement: 'Show synchronised lyrics while a track plays.',
      hints: ['SECRET-HINT-one: time-coded lines', 'SECRET-HINT-two: cache per track'],
      guidance: 'SECRET-GUIDANCE: a strong answer pre-fetches lyrics with the audio manifest',
      durationMinutes: 30,
    }
    const { promptId } = await ok<{ promptId: string }>(interviewer, InterviewEvent.AddPrompt, { prompt: input })
    expect(promptId).toMatch(/^custom-[0-9a-f]{8}$/)
    await settle(interviewer, candidate, observer)
    const listed = last<InterviewerView>(interviewer, InterviewEvent.State).customPrompts
    expect(listed).toHaveLength(1)
    expect(listed[0]).toMatchObject({ id: promptId, title: input.title, hintCount: 2, durationMinutes: 30 })
    expect(JSON.stringify(listed)).not.toContain('SECRET')

    await ok(interviewer, InterviewEvent.SetPrompt, { promptId })
    await settle(interviewer, candidate, observer)
    const guidance = last<InterviewerView>(interviewer, InterviewEvent.State).guidance
    expect(guidance).toMatchObject({ id: promptId, hints: input.hints, strongAnswer: [input.guidance] })
    for (const viewer of [candidate, observer]) {
      const view = last<InterviewView>(viewer, InterviewEvent.State)
      expect(view.prompt).toMatchObject({ id: promptId, title: input.title, hintCount: 2 })
      expect(received(viewer)).not.toContain('SECRET')
    }

    await ok(interviewer, InterviewEvent.RevealHint, {})
    await settle(candidate, observer)
    for (const viewer of [candidate, observer]) {
      expect(last<InterviewView>(viewer, InterviewEvent.State).revealedHints).toEqual([input.hints[0]])
      expect(received(viewer)).not.toContain('SECRET-HINT-two')
      expect(received(viewer)).not.toContain('SECRET-GUIDANCE')
    }
  })
})

describe('who may send interview commands', () => {
  /** Valid payloads: each would succeed from the interviewer in the state the test sets up. */
  const COMMANDS: Array<[string, unknown]> = [
    [InterviewEvent.SetPrompt, { promptId: SPOTIFY.id }],
    [InterviewEvent.AddPrompt, { prompt: { title: 'Intruder prompt', statement: 'Design anything.' } }],
    [InterviewEvent.Control, { action: ControlAction.Start }],
    [InterviewEvent.RevealHint, {}],
    [InterviewEvent.SwapRoles, {}],
    [InterviewEvent.AddNote, { text: 'intruder note' }],
    [
      InterviewEvent.SaveScorecard,
      { scores: { communication: { score: 4, comment: 'x' } }, recommendation: 'yes', summary: 's' },
    ],
    [InterviewEvent.PublishFeedback, { markdown: '# intruder feedback' }],
  ]

  it('refuses every interviewer-only command from the candidate and the observer, changing nothing for anyone', async () => {
    const r = await setup()
    const { interviewer, candidate, observer, all } = r
    await ok(interviewer, InterviewEvent.SetPrompt, { promptId: OTHER_PROMPT_ID })
    await settle(...all)
    const before = await snapshot(r)
    const counts = all.map((c) => c.events.length)

    for (const [sender, role] of [
      [candidate, Role.Candidate],
      [observer, Role.Observer],
    ] as const) {
      for (const [event, payload] of COMMANDS) {
        // The observer takes notes of their own (for the interviewer): see 'observer notes'.
        if (event === InterviewEvent.AddNote && role === Role.Observer) continue
        const ack = await send(sender, event, payload)
        expect(ack, `${event} from the ${role}`).toEqual({
          ok: false,
          error:
            event === InterviewEvent.AddNote
              ? `Only the interviewer and the observer take notes (you are the ${role}).`
              : `Only the interviewer can do that (you are the ${role}).`,
        })
      }
    }
    await settle(...all)
    expect(await snapshot(r)).toEqual(before)
    expect(all.map((c) => c.events.length)).toEqual(counts)

    // The same commands from the interviewer go through (so the refusals above were about the role).
    for (const [event, payload] of COMMANDS.filter(([e]) => e !== InterviewEvent.SwapRoles)) {
      expect(await send(interviewer, event, payload), event).toMatchObject({ ok: true })
    }
    expect(await r.server.interview.state(r.roomId)).toMatchObject({ promptId: SPOTIFY.id, status: 'running' })
  })
})

describe('malformed payloads', () => {
  const MALFORMED: Array<[string, string, unknown]> = [
    ['a number as prompt id', InterviewEvent.SetPrompt, { promptId: 42 }],
    ['an unknown field', InterviewEvent.SetPrompt, { promptId: SPOTIFY.id, admin: true }],
    ['an empty prompt id', InterviewEvent.SetPrompt, { promptId: '' }],
    ['a prompt id over 80 characters', InterviewEvent.SetPrompt, { promptId: 'p'.repeat(81) }],
    ['no payload', InterviewEvent.SetPrompt, null],
    ['a custom prompt without a statement', InterviewEvent.AddPrompt, { prompt: { title: 'Half a prompt' } }],
    ['an unknown control action', InterviewEvent.Control, { action: 'explode' }],
    ['a bare string as control', InterviewEvent.Control, 'start'],
    ['a reveal with fields', InterviewEvent.RevealHint, { count: 3 }],
    ['a swap with fields', InterviewEvent.SwapRoles, { force: true }],
    ['a note over the limit', InterviewEvent.AddNote, { text: 'n'.repeat(MAX_NOTE_LENGTH + 1) }],
    ['an empty note', InterviewEvent.AddNote, { text: '' }],
    ['a blank note', InterviewEvent.AddNote, { text: '   \n ' }],
    ['a note with a number as text', InterviewEvent.AddNote, { text: 7 }],
    ['a note on a bad shape id', InterviewEvent.AddNote, { text: 'fine', shapeId: 'not-a-shape' }],
    [
      'a score of 5',
      InterviewEvent.SaveScorecard,
      { scores: { communication: { score: 5, comment: '' } }, recommendation: null, summary: '' },
    ],
    ['an unknown recommendation', InterviewEvent.SaveScorecard, { scores: {}, recommendation: 'maybe', summary: '' }],
    ['empty feedback', InterviewEvent.PublishFeedback, { markdown: '' }],
  ]

  it('answers each with {ok:false} and error:payload to the sender only, and keeps running', async () => {
    const r = await setup()
    const { interviewer, candidate, observer } = r
    await ok(interviewer, InterviewEvent.SetPrompt, { promptId: OTHER_PROMPT_ID })
    await settle(...r.all)
    const before = await snapshot(r)
    const counts = [candidate, observer].map((c) => c.events.length)
    const errorsBefore = payloads(interviewer, SocketEvent.PayloadError).length

    for (const [name, event, payload] of MALFORMED) {
      const ack = await send(interviewer, event, payload)
      expect(ack, name).toMatchObject({ ok: false, error: expect.stringContaining(`invalid ${event} payload`) })
    }
    // Without an ack callback the sender still hears about it.
    interviewer.socket.emit(InterviewEvent.AddNote, { text: '' })
    interviewer.socket.emit(InterviewEvent.Control, { action: 'rewind' })
    await settle(...r.all)

    const errors = payloads<PayloadErrorPayload>(interviewer, SocketEvent.PayloadError).slice(errorsBefore)
    expect(errors.map((e) => e.event)).toEqual([
      ...MALFORMED.map(([, event]) => event),
      InterviewEvent.AddNote,
      InterviewEvent.Control,
    ])
    for (const e of errors) expect(e.message).toMatch(/^invalid \S+ payload: /)
    expect(errors.find((e) => e.event === InterviewEvent.AddNote)?.message).toContain(
      `notes are limited to ${MAX_NOTE_LENGTH} characters`
    )
    expect([candidate, observer].map((c) => c.events.length)).toEqual(counts)
    expect(await snapshot(r)).toEqual(before)

    // The server is still up, and a note of exactly the limit is fine.
    const { note } = await ok<{ note: Note }>(interviewer, InterviewEvent.AddNote, {
      text: 'n'.repeat(MAX_NOTE_LENGTH),
    })
    expect(note.text).toHaveLength(MAX_NOTE_LENGTH)
    expect((await fetch(`${httpBase(r.server)}/healthz`)).status).toBe(200)
  })

  it('sends error:payload to the candidate too, before any role check, and to nobody else', async () => {
    const { interviewer, candidate, observer } = await setup()
    const counts = [interviewer, observer].map((c) => c.events.length)
    const ack = await send(candidate, InterviewEvent.Control, { action: 42 })
    expect(ack).toMatchObject({ ok: false })
    await settle(interviewer, candidate, observer)
    expect(payloads<PayloadErrorPayload>(candidate, SocketEvent.PayloadError)).toEqual([
      { event: InterviewEvent.Control, message: expect.stringContaining('invalid interview:control payload') },
    ])
    expect([interviewer, observer].map((c) => c.events.length)).toEqual(counts)
  })
})

describe('large payloads', () => {
  /** The largest scorecard the schema allows, every character `char`. */
  const fullScorecard = (char: string): Scorecard => ({
    scores: Object.fromEntries(
      Array.from({ length: 20 }, (_, i) => [
        `${'d'.repeat(57)}-${String(i).padStart(2, '0')}`,
        { score: 4, comment: char.repeat(MAX_COMMENT_LENGTH) },
      ])
    ),
    recommendation: 'strong-yes',
    summary: char.repeat(MAX_COMMENT_LENGTH),
  })

  it('accepts the largest scorecard, feedback and prompt the schemas allow, in any script', async () => {
    const { interviewer, candidate, all } = await setup()
    const disconnects: string[] = []
    interviewer.socket.on('disconnect', (reason) => disconnects.push(reason))

    // Three UTF-8 bytes per character, and six for a character JSON must escape.
    for (const char of ['中', '\u0001']) {
      const scorecard = fullScorecard(char)
      expect(ScorecardSchema.safeParse(scorecard).success).toBe(true)
      await ok(interviewer, InterviewEvent.SaveScorecard, scorecard)
      await settle(interviewer)
      expect(last<{ scorecard: Scorecard }>(interviewer, InterviewEvent.Scorecard).scorecard).toEqual(scorecard)
    }
    const markdown = '中'.repeat(MAX_FEEDBACK_LENGTH)
    await ok(interviewer, InterviewEvent.PublishFeedback, { markdown })
    const prompt = {
      title: '中'.repeat(120),
      statement: '中'.repeat(4_000),
      tags: Array.from({ length: 10 }, () => '中'.repeat(40)),
      hints: Array.from({ length: 6 }, () => '中'.repeat(500)),
      guidance: '中'.repeat(4_000),
    }
    await ok(interviewer, InterviewEvent.AddPrompt, { prompt })
    await settle(...all)
    expect(last<{ feedback: Feedback }>(candidate, InterviewEvent.Feedback).feedback.markdown).toBe(markdown)
    expect(disconnects).toEqual([])
    expect(interviewer.socket.connected).toBe(true)
  })

  it('closes only the socket that sends a message beyond every limit; the room carries on', async () => {
    const { interviewer, candidate, observer } = await setup()
    const closed = new Promise<string>((resolve) => candidate.socket.once('disconnect', resolve))
    candidate.socket.emit(InterviewEvent.AddNote, { text: 'x'.repeat(1024 * 1024) })
    expect(await withTimeout(closed, 'the candidate socket to close')).toEqual(expect.any(String))
    await ok(interviewer, InterviewEvent.SetPrompt, { promptId: SPOTIFY.id })
    await settle(interviewer, observer)
    expect(last<InterviewView>(observer, InterviewEvent.State).prompt?.id).toBe(SPOTIFY.id)
  })
})

describe('commands that do not fit the state', () => {
  it('are refused with a message for the interviewer and change nothing', async () => {
    const r = await setup()
    const { interviewer } = r
    const refused = async (event: string, payload: unknown, error: string) => {
      const before = await snapshot(r)
      expect(await send(interviewer, event, payload), `${event} ${JSON.stringify(payload)}`).toEqual({
        ok: false,
        error,
      })
      expect(await snapshot(r)).toEqual(before)
    }
    await refused(InterviewEvent.Control, { action: ControlAction.Start }, 'Choose a prompt before starting.')
    await refused(InterviewEvent.RevealHint, {}, 'Choose a prompt first.')
    await refused(InterviewEvent.Control, { action: ControlAction.NextPhase }, 'Start the interview first.')
    await refused(InterviewEvent.Control, { action: ControlAction.Finish }, 'The interview is not running.')
    await refused(InterviewEvent.SetPrompt, { promptId: 'no-such-prompt' }, 'No prompt "no-such-prompt".')

    await ok(interviewer, InterviewEvent.SetPrompt, { promptId: SPOTIFY.id })
    await ok(interviewer, InterviewEvent.Control, { action: ControlAction.Start })
    await refused(InterviewEvent.Control, { action: ControlAction.Start }, 'The interview has already started.')
    await refused(InterviewEvent.Control, { action: ControlAction.Resume }, 'The interview is not paused.')
    await refused(InterviewEvent.Control, { action: ControlAction.PreviousPhase }, 'This is the first phase.')
    for (let i = 1; i < SPOTIFY.phases.length; i++) {
      await ok(interviewer, InterviewEvent.Control, { action: ControlAction.NextPhase })
    }
    expect((await r.server.interview.state(r.roomId)).phaseIndex).toBe(SPOTIFY.phases.length - 1)
    await refused(
      InterviewEvent.Control,
      { action: ControlAction.NextPhase },
      'This is the last phase; finish the interview instead.'
    )
    for (let i = 0; i < SPOTIFY.hints.length; i++) await ok(interviewer, InterviewEvent.RevealHint, {})
    await refused(InterviewEvent.RevealHint, {}, 'Every hint is already revealed.')
    await refused(InterviewEvent.SwapRoles, {}, 'Finish the current interview before swapping roles.')

    // None of these were payload errors.
    await settle(interviewer)
    expect(payloads(interviewer, SocketEvent.PayloadError)).toEqual([])
  })
})

describe('the phase clock', () => {
  it('shows every participant the same phase and server timestamps, and time:sync answers the server clock', async () => {
    const { interviewer, candidate, observer, all } = await setup()
    await ok(interviewer, InterviewEvent.SetPrompt, { promptId: SPOTIFY.id })

    const beforeStart = Date.now()
    await ok(interviewer, InterviewEvent.Control, { action: ControlAction.Start })
    const afterStart = Date.now()
    await settle(...all)
    const started = all.map((c) => last<InterviewView>(c, InterviewEvent.State))
    for (const view of started) {
      expect(view).toMatchObject({ status: InterviewStatus.Running, phaseIndex: 0, phaseElapsedMs: 0 })
      expect(view.phaseResumedAt).toBeGreaterThanOrEqual(beforeStart)
      expect(view.phaseResumedAt).toBeLessThanOrEqual(afterStart)
      expect(view.sessionStartedAt).toBe(view.phaseResumedAt)
    }

    await new Promise((resolve) => setTimeout(resolve, 15))
    await ok(interviewer, InterviewEvent.Control, { action: ControlAction.NextPhase })
    await settle(...all)
    const [mine, theirs, watched] = all.map((c) => last<InterviewView>(c, InterviewEvent.State))
    const clock = (v: InterviewView | undefined) => ({
      status: v?.status,
      phaseIndex: v?.phaseIndex,
      phaseElapsedMs: v?.phaseElapsedMs,
      phaseResumedAt: v?.phaseResumedAt,
      sessionStartedAt: v?.sessionStartedAt,
    })
    expect(clock(mine)).toEqual(clock(theirs))
    expect(clock(mine)).toEqual(clock(watched))
    expect(mine).toMatchObject({ phaseIndex: 1, phaseElapsedMs: 0, sessionStartedAt: started[0]!.sessionStartedAt })
    expect(mine!.phaseResumedAt).toBeGreaterThan(started[0]!.phaseResumedAt!)

    await ok(interviewer, InterviewEvent.Control, { action: ControlAction.Pause })
    await settle(...all)
    for (const c of all) {
      const view = last<InterviewView>(c, InterviewEvent.State)
      expect(view).toMatchObject({ status: InterviewStatus.Paused, phaseIndex: 1, phaseResumedAt: null })
      expect(view.phaseElapsedMs).toBeGreaterThanOrEqual(0)
    }

    for (const c of [candidate, observer]) {
      const sentAt = Date.now()
      const reply = (await withTimeout(c.socket.emitWithAck(InterviewEvent.TimeSync, {}), 'time:sync')) as {
        serverNow: number
      }
      const receivedAt = Date.now()
      expect(reply.serverNow).toBeGreaterThanOrEqual(sentAt)
      expect(reply.serverNow).toBeLessThanOrEqual(receivedAt)
    }
  })
})

describe('private notes', () => {
  it('go to the interviewer’s sockets only; the candidate and observer never receive their text', async () => {
    const r = await setup()
    const { server, room, interviewer, candidate, observer } = r
    const secondTab = await connect(server, room.roomId, room.tokens.interviewer, 'Ivy-2')

    const { note: early } = await ok<{ note: Note }>(interviewer, InterviewEvent.AddNote, {
      text: 'SECRET-NOTE-1 weak on estimates',
      shapeId: 'shape:abc-1',
    })
    expect(early).toMatchObject({
      text: 'SECRET-NOTE-1 weak on estimates',
      shapeId: 'shape:abc-1',
      sessionMs: null,
      round: 1,
    })

    await ok(interviewer, InterviewEvent.SetPrompt, { promptId: SPOTIFY.id })
    await ok(interviewer, InterviewEvent.Control, { action: ControlAction.Start })
    const { note: later } = await ok<{ note: Note }>(secondTab, InterviewEvent.AddNote, { text: '  SECRET-NOTE-2  ' })
    expect(later).toMatchObject({ text: 'SECRET-NOTE-2', shapeId: null })
    expect(later.sessionMs).toEqual(expect.any(Number))
    expect(later.sessionMs).toBeGreaterThanOrEqual(0)

    // Through HTTP too.
    const res = await fetch(`${httpBase(server)}/api/rooms/${room.roomId}/notes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${room.tokens.interviewer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'SECRET-NOTE-3 via http' }),
    })
    expect(res.status).toBe(201)

    await settle(interviewer, secondTab, candidate, observer)
    for (const tab of [interviewer, secondTab]) {
      const notes = last<{ notes: Note[] }>(tab, InterviewEvent.Notes).notes
      expect(notes.map((n) => n.text)).toEqual([
        'SECRET-NOTE-1 weak on estimates',
        'SECRET-NOTE-2',
        'SECRET-NOTE-3 via http',
      ])
      expect(notes[0]).toEqual(early)
      expect(notes[1]).toEqual(later)
    }
    expect(payloads(candidate, InterviewEvent.Notes)).toEqual([])
    // The observer receives only their own notes (none here).
    for (const payload of payloads<{ notes: Note[] }>(observer, InterviewEvent.Notes)) expect(payload.notes).toEqual([])
    for (const viewer of [candidate, observer]) {
      expect(received(viewer)).not.toContain('SECRET-NOTE')
      expect(viewer.events.length).toBeGreaterThan(0)
    }
  })
})

describe('observer notes', () => {
  it('go to the observer and the interviewer (marked as the observer’s), never to the candidate', async () => {
    const { interviewer, candidate, observer, all } = await setup()
    await ok(interviewer, InterviewEvent.AddNote, { text: 'INTERVIEWER-ONLY-NOTE' })
    const { note } = await ok<{ note: Note }>(observer, InterviewEvent.AddNote, { text: 'OBSERVER-NOTE tight on time' })
    expect(note).toMatchObject({ text: 'OBSERVER-NOTE tight on time', round: 1 })
    await settle(...all)

    const seen = last<{ notes: Note[] }>(interviewer, InterviewEvent.Notes).notes
    expect(seen.map((n) => [n.text, n.author])).toEqual([
      ['INTERVIEWER-ONLY-NOTE', undefined],
      ['OBSERVER-NOTE tight on time', 'observer'],
    ])
    const own = last<{ notes: Note[] }>(observer, InterviewEvent.Notes).notes
    expect(own.map((n) => n.text)).toEqual(['OBSERVER-NOTE tight on time'])
    expect(received(observer)).not.toContain('INTERVIEWER-ONLY-NOTE')
    expect(payloads(candidate, InterviewEvent.Notes)).toEqual([])
    expect(received(candidate)).not.toContain('OBSERVER-NOTE')
    expect(received(candidate)).not.toContain('INTERVIEWER-ONLY-NOTE')
  })
})

describe('scorecards and feedback', () => {
  it('keeps the scorecard with the interviewer and publishes feedback to the candidate, not the observer', async () => {
    const { interviewer, candidate, observer, all } = await setup()
    const scorecard: Scorecard = {
      scores: { communication: { score: 3, comment: 'SECRET-SCORE-COMMENT' } },
      recommendation: 'yes',
      summary: 'SECRET-SUMMARY',
    }
    await ok(interviewer, InterviewEvent.SaveScorecard, scorecard)
    await settle(...all)
    expect(last<{ scorecard: Scorecard | null }>(interviewer, InterviewEvent.Scorecard).scorecard).toEqual(scorecard)

    const markdown = '## Feedback\n\nFEEDBACK-MARKDOWN: clear requirements, go deeper on caching.'
    const before = Date.now()
    await ok(interviewer, InterviewEvent.PublishFeedback, { markdown })
    await settle(...all)

    const published = last<{ feedback: Feedback | null }>(candidate, InterviewEvent.Feedback).feedback
    expect(published).toMatchObject({ markdown, round: 1 })
    expect(published!.publishedAt).toBeGreaterThanOrEqual(before)
    expect(last<{ feedback: Feedback | null }>(interviewer, InterviewEvent.Feedback).feedback).toEqual(published)

    expect(payloads(observer, InterviewEvent.Feedback)).toEqual([])
    expect(received(observer)).not.toContain('FEEDBACK-MARKDOWN')
    for (const viewer of [candidate, observer]) {
      expect(payloads(viewer, InterviewEvent.Scorecard)).toEqual([])
      expect(received(viewer)).not.toContain('SECRET-')
    }
  })

  it('hands published feedback to a candidate who joins later', async () => {
    const { server, room, interviewer } = await setup()
    await ok(interviewer, InterviewEvent.PublishFeedback, { markdown: 'Well done.' })
    const late = await connect(server, room.roomId, room.tokens.candidate, 'Late')
    expect(last<{ feedback: Feedback | null }>(late, InterviewEvent.Feedback).feedback).toMatchObject({
      markdown: 'Well done.',
    })
    const watcher = await connect(server, room.roomId, room.tokens.observer, 'Watcher')
    expect(payloads(watcher, InterviewEvent.Feedback)).toEqual([])
  })
})

describe('role swap', () => {
  it('trades the interviewer and candidate roles between rounds, and is refused while the interview runs', async () => {
    const r = await setup()
    const { server, room, interviewer, candidate, observer, all } = r
    await ok(interviewer, InterviewEvent.AddNote, { text: 'SECRET-ROUND-1-NOTE' })
    await ok(interviewer, InterviewEvent.SaveScorecard, { scores: {}, recommendation: 'no', summary: 'SECRET-R1' })
    await settle(...all)
    const marks = all.map((c) => c.events.length)

    await ok(interviewer, InterviewEvent.SwapRoles, {})
    await settle(...all)
    const after = (c: Client, i: number) => {
      const events = c.events.slice(marks[i])
      const at = events.findIndex((e) => e.event === InterviewEvent.SessionChanged)
      expect(at, `${c.name} to get session:changed`).toBeGreaterThanOrEqual(0)
      expect(events[at]!.payload).toEqual({ reason: 'roles-swapped' })
      return events.slice(at + 1)
    }
    const oldInterviewerAfter = after(interviewer, 0)
    const oldCandidateAfter = after(candidate, 1)
    const observerAfter = after(observer, 2)

    // The old candidate is now the interviewer: interviewer views, an empty notebook, no scorecard.
    const newInterviewerView = oldCandidateAfter.filter((e) => e.event === InterviewEvent.State).at(-1)
      ?.payload as InterviewerView
    expect(newInterviewerView).toMatchObject({ round: 2, guidance: null, customPrompts: [], prompt: null })
    expect(oldCandidateAfter.filter((e) => e.event === InterviewEvent.Notes).map((e) => e.payload)).toEqual([
      { notes: [] },
    ])
    expect(last<{ scorecard: unknown }>(candidate, InterviewEvent.Scorecard).scorecard).toBeNull()
    expect(JSON.stringify(oldCandidateAfter)).not.toContain('SECRET')

    // The old interviewer now gets candidate views only.
    for (const e of oldInterviewerAfter.filter((e) => e.event === InterviewEvent.State)) {
      expect(Object.keys(e.payload as object).sort()).toEqual(VIEW_KEYS)
    }
    expect(oldInterviewerAfter.map((e) => e.event)).not.toContain(InterviewEvent.Notes)
    expect(oldInterviewerAfter.map((e) => e.event)).not.toContain(InterviewEvent.Scorecard)
    for (const e of observerAfter.filter((e) => e.event === InterviewEvent.State)) {
      expect(Object.keys(e.payload as object).sort()).toEqual(VIEW_KEYS)
    }
    const roles = last<{ participants: Participant[] }>(observer, SocketEvent.PresenceSnapshot).participants
    expect(Object.fromEntries(roles.map((p) => [p.name, p.role]))).toEqual({
      Ivy: Role.Candidate,
      Cam: Role.Interviewer,
      Oli: Role.Observer,
    })

    // HTTP agrees.
    expect(await (await session(server, room.roomId, room.tokens.candidate)).json()).toMatchObject({
      role: Role.Interviewer,
    })
    expect(await (await session(server, room.roomId, room.tokens.interviewer)).json()).toMatchObject({
      role: Role.Candidate,
    })

    // Commands follow the new roles.
    expect(await send(interviewer, InterviewEvent.SetPrompt, { promptId: SPOTIFY.id })).toEqual({
      ok: false,
      error: 'Only the interviewer can do that (you are the candidate).',
    })
    await ok(candidate, InterviewEvent.AddNote, { text: 'round 2 note' })
    await ok(candidate, InterviewEvent.SetPrompt, { promptId: SPOTIFY.id })
    await settle(...all)
    expect(last<InterviewerView>(candidate, InterviewEvent.State).guidance).toEqual(SPOTIFY)
    expect(last<{ notes: Note[] }>(candidate, InterviewEvent.Notes).notes.map((n) => n.text)).toEqual(['round 2 note'])
    expect(last<InterviewView>(interviewer, InterviewEvent.State)).not.toHaveProperty('guidance')

    // No swapping mid-interview, running or paused.
    await ok(candidate, InterviewEvent.Control, { action: ControlAction.Start })
    const refusal = { ok: false, error: 'Finish the current interview before swapping roles.' }
    expect(await send(candidate, InterviewEvent.SwapRoles, {})).toEqual(refusal)
    await ok(candidate, InterviewEvent.Control, { action: ControlAction.Pause })
    expect(await send(candidate, InterviewEvent.SwapRoles, {})).toEqual(refusal)
    expect((await server.rooms.get(room.roomId))?.rolesSwapped).toBe(true)

    // After finishing, swap back: round 3, original roles, the original interviewer's notes are theirs again.
    await ok(candidate, InterviewEvent.Control, { action: ControlAction.Finish })
    await ok(candidate, InterviewEvent.SwapRoles, {})
    await settle(...all)
    expect((await server.rooms.get(room.roomId))?.rolesSwapped).toBe(false)
    expect(last<InterviewerView>(interviewer, InterviewEvent.State)).toMatchObject({ round: 3, guidance: null })
    expect(last<{ notes: Note[] }>(interviewer, InterviewEvent.Notes).notes.map((n) => n.text)).toEqual([
      'SECRET-ROUND-1-NOTE',
    ])
    expect(last<InterviewView>(candidate, InterviewEvent.State)).not.toHaveProperty('guidance')
    expect(await (await session(server, room.roomId, room.tokens.candidate)).json()).toMatchObject({
      role: Role.Candidate,
    })
    expect(received(observer)).not.toContain('SECRET')
    expect(received(observer)).not.toContain('round 2 note')
  })
})

describe('persistence', () => {
  it('keeps prompt, phase, revealed hints, notes and the room’s prompts across a restart', async () => {
    const first = await ctx.server()
    const room = await createRoom(first)
    const interviewer = await connect(first, room.roomId, room.tokens.interviewer, 'Ivy')
    const { promptId: customId } = await ok<{ promptId: string }>(interviewer, InterviewEvent.AddPrompt, {
      prompt: { title: 'Own prompt', statement: 'Design a thing.', hints: ['own hint'] },
    })
    await ok(interviewer, InterviewEvent.AddNote, { text: 'before start' })
    await ok(interviewer, InterviewEvent.SetPrompt, { promptId: SPOTIFY.id })
    await ok(interviewer, InterviewEvent.Control, { action: ControlAction.Start })
    await ok(interviewer, InterviewEvent.Control, { action: ControlAction.NextPhase })
    await ok(interviewer, InterviewEvent.Control, { action: ControlAction.NextPhase })
    await ok(interviewer, InterviewEvent.RevealHint, {})
    await ok(interviewer, InterviewEvent.RevealHint, {})
    await ok(interviewer, InterviewEvent.AddNote, { text: 'during phase 3', shapeId: 'shape:x' })
    await ok(interviewer, InterviewEvent.PublishFeedback, { markdown: 'persisted feedback' })
    await settle(interviewer)
    const stateBefore = { ...(await first.interview.state(room.roomId)) }
    const notesBefore = last<{ notes: Note[] }>(interviewer, InterviewEvent.Notes).notes
    expect(notesBefore).toHaveLength(2)
    await first.close()

    const second = await ctx.server({ dataDir: first.dataDir })
    expect(second.port).not.toBe(0)
    expect(await second.interview.state(room.roomId)).toEqual(stateBefore)
    const interviewer2 = await connect(second, room.roomId, room.tokens.interviewer, 'Ivy')
    const candidate2 = await connect(second, room.roomId, room.tokens.candidate, 'Cam')

    const mine = last<InterviewerView>(interviewer2, InterviewEvent.State)
    expect(mine).toMatchObject({
      status: InterviewStatus.Running,
      phaseIndex: 2,
      phaseResumedAt: stateBefore.phaseResumedAt,
      sessionStartedAt: stateBefore.sessionStartedAt,
      revealedHints: SPOTIFY.hints.slice(0, 2),
    })
    expect(mine.guidance).toEqual(SPOTIFY)
    expect(mine.customPrompts.map((p) => p.id)).toEqual([customId])
    expect(last<{ notes: Note[] }>(interviewer2, InterviewEvent.Notes).notes).toEqual(notesBefore)

    const theirs = last<InterviewView>(candidate2, InterviewEvent.State)
    expect(theirs).toMatchObject({ phaseIndex: 2, revealedHints: SPOTIFY.hints.slice(0, 2) })
    expect(theirs.prompt?.id).toBe(SPOTIFY.id)
    expect(last<{ feedback: Feedback | null }>(candidate2, InterviewEvent.Feedback).feedback?.markdown).toBe(
      'persisted feedback'
    )
    expect(received(candidate2)).not.toContain(JSON.stringify(SPOTIFY.hints[2]).slice(1, -1))

    // And it carries on from there.
    await ok(interviewer2, InterviewEvent.RevealHint, {})
    await ok(interviewer2, InterviewEvent.SetPrompt, { promptId: customId })
    await settle(candidate2)
    expect(last<InterviewView>(candidate2, InterviewEvent.State).prompt?.id).toBe(customId)
  })
})
