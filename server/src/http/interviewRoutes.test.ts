import { ApiErrorCode, MAX_NOTE_LENGTH, Role, type Note } from '@loopboard/protocol'
import { PROMPTS, PublicPromptSchema, getPrompt, toPublicPrompt, type Prompt } from '@loopboard/prompts'
import { describe, expect, it } from 'vitest'
import type { LoopboardServer } from '../createServer.ts'
import { createRoom, httpBase, useTestContext } from '../test/helpers.ts'

const ctx = useTestContext()

const SPOTIFY = getPrompt('design-spotify')!
const PUBLIC_KEYS = [
  'difficulty',
  'durationMinutes',
  'hintCount',
  'id',
  'phases',
  'statement',
  'tags',
  'title',
  'track',
]
const PRIVATE_KEYS = [
  'hints',
  'rubric',
  'strongAnswer',
  'estimates',
  'deepDives',
  'clarifyingQuestions',
  'requirements',
  'topics',
  'goals',
]

const auth = (token: string | undefined): Record<string, string> =>
  token === undefined ? {} : { authorization: `Bearer ${token}` }

function getPromptById(server: LoopboardServer, id: string, token?: string) {
  return fetch(`${httpBase(server)}/api/prompts/${encodeURIComponent(id)}`, { headers: auth(token) })
}

function getNotes(server: LoopboardServer, roomId: string, token?: string) {
  return fetch(`${httpBase(server)}/api/rooms/${encodeURIComponent(roomId)}/notes`, { headers: auth(token) })
}

function postNote(server: LoopboardServer, roomId: string, token: string | undefined, body: string | object) {
  return fetch(`${httpBase(server)}/api/rooms/${encodeURIComponent(roomId)}/notes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth(token) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

async function expectApiError(res: Response, status: number, code: string) {
  expect(res.status).toBe(status)
  expect(res.headers.get('content-type')).toMatch(/application\/json/)
  const body = (await res.json()) as { error: { code: string; message: string } }
  expect(body.error.code).toBe(code)
  expect(body.error.message.length).toBeGreaterThan(0)
  return body.error.message
}

/** Every string in a prompt's private fields. */
function privateStrings(prompt: Prompt): string[] {
  const { hints, rubric, strongAnswer, estimates, deepDives, clarifyingQuestions, requirements, topics } = prompt
  return [
    ...hints,
    ...strongAnswer,
    ...deepDives,
    ...clarifyingQuestions,
    ...requirements.functional,
    ...requirements.nonFunctional,
    ...rubric.map((d) => d.description),
    ...estimates.flatMap((e) => [e.value, e.reasoning]),
    ...(topics ?? []).flatMap((t) => t.notes),
    ...prompt.phases.flatMap((p) => p.goals),
  ]
}

describe('GET /api/prompts', () => {
  it('lists the whole bank with public fields only, and none of the private text', async () => {
    const server = await ctx.server()
    const res = await fetch(`${httpBase(server)}/api/prompts`)
    expect(res.status).toBe(200)
    const text = await res.text()
    const { prompts } = JSON.parse(text) as { prompts: Array<Record<string, unknown>> }
    expect(prompts).toHaveLength(19)
    expect(PROMPTS).toHaveLength(19)
    expect(prompts.map((p) => p.id)).toEqual(PROMPTS.map((p) => p.id))
    expect(prompts.map((p) => p.id)).toContain('design-spotify')
    for (const [i, p] of prompts.entries()) {
      expect(Object.keys(p).sort()).toEqual(PUBLIC_KEYS)
      expect(PublicPromptSchema.parse(p)).toEqual(p)
      expect(p).toEqual(toPublicPrompt(PROMPTS[i]!))
      for (const phase of p.phases as object[]) expect(Object.keys(phase).sort()).toEqual(['id', 'minutes', 'title'])
    }
    for (const key of PRIVATE_KEYS) expect(text).not.toContain(`"${key}"`)
    for (const prompt of PROMPTS) {
      for (const secret of privateStrings(prompt)) {
        expect(text, `${prompt.id}: ${secret}`).not.toContain(JSON.stringify(secret).slice(1, -1))
      }
    }
  })

  it('does not list a room’s own prompts', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    await server.interview.addCustomPrompt(room.roomId, {
      title: 'Own prompt',
      statement: 'Design a thing.',
      track: 'backend',
      difficulty: 'medium',
      tags: [],
      durationMinutes: 45,
      hints: ['own hint'],
      guidance: '',
    })
    const { prompts } = (await (await fetch(`${httpBase(server)}/api/prompts`)).json()) as { prompts: unknown[] }
    expect(prompts).toHaveLength(19)
    expect(JSON.stringify(prompts)).not.toContain('Own prompt')
  })
})

describe('GET /api/prompts/:id', () => {
  it('answers the full prompt, guidance and all, to the interviewer', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    const res = await getPromptById(server, 'design-spotify', room.tokens.interviewer)
    expect(res.status).toBe(200)
    const { prompt } = (await res.json()) as { prompt: Prompt }
    expect(prompt).toEqual(SPOTIFY)
    expect(prompt.hints.length).toBeGreaterThanOrEqual(3)
    expect(prompt.rubric.length).toBeGreaterThanOrEqual(3)
  })

  it('refuses the candidate and the observer (403), no token (401) and a token that opens no room (403)', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    for (const role of [Role.Candidate, Role.Observer]) {
      const res = await getPromptById(server, 'design-spotify', room.tokens[role])
      const message = await expectApiError(res, 403, ApiErrorCode.Forbidden)
      expect(message).not.toContain(SPOTIFY.hints[0])
    }
    await expectApiError(await getPromptById(server, 'design-spotify'), 401, ApiErrorCode.Unauthorized)
    await expectApiError(
      await fetch(`${httpBase(server)}/api/prompts/design-spotify`, { headers: { authorization: 'Basic abc' } }),
      401,
      ApiErrorCode.Unauthorized
    )
    await expectApiError(await getPromptById(server, 'design-spotify', 'x'.repeat(43)), 403, ApiErrorCode.Forbidden)
    await expectApiError(await getPromptById(server, 'design-spotify', 'garbage'), 403, ApiErrorCode.Forbidden)
  })

  it('answers 404 for an unknown id, and a room’s own prompt only to that room’s interviewer', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    const other = await createRoom(server)
    const message = await expectApiError(
      await getPromptById(server, 'no-such-prompt', room.tokens.interviewer),
      404,
      ApiErrorCode.NotFound
    )
    expect(message).toContain('no-such-prompt')
    // The role is checked before the id: a candidate learns nothing about which ids exist.
    await expectApiError(await getPromptById(server, 'no-such-prompt', room.tokens.candidate), 403, 'forbidden')

    const own = await server.interview.addCustomPrompt(room.roomId, {
      title: 'Own prompt',
      statement: 'Design a thing.',
      track: 'ml',
      difficulty: 'hard',
      tags: ['Mine'],
      durationMinutes: 30,
      hints: ['own hint'],
      guidance: 'own guidance',
    })
    const res = await getPromptById(server, own.id, room.tokens.interviewer)
    expect(res.status).toBe(200)
    expect(((await res.json()) as { prompt: Prompt }).prompt).toEqual(own)
    await expectApiError(await getPromptById(server, own.id, other.tokens.interviewer), 404, 'not_found')
    await expectApiError(await getPromptById(server, own.id, room.tokens.observer), 403, 'forbidden')
  })

  it('follows a role swap: the candidate’s link now reads guidance, the interviewer’s does not', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    await server.interview.swapRoles(room.roomId)
    expect((await getPromptById(server, 'design-spotify', room.tokens.candidate)).status).toBe(200)
    await expectApiError(await getPromptById(server, 'design-spotify', room.tokens.interviewer), 403, 'forbidden')
    await expectApiError(await getPromptById(server, 'design-spotify', room.tokens.observer), 403, 'forbidden')
  })
})

describe('/api/rooms/:roomId/notes', () => {
  it('lets the interviewer write and read notes; the candidate and observer get 403 for both', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    const empty = await getNotes(server, room.roomId, room.tokens.interviewer)
    expect(empty.status).toBe(200)
    expect(await empty.json()).toEqual({ notes: [] })

    const before = Date.now()
    const res = await postNote(server, room.roomId, room.tokens.interviewer, {
      text: '  asks good questions  ',
      shapeId: 'shape:box-1',
    })
    expect(res.status).toBe(201)
    const { note } = (await res.json()) as { note: Note }
    expect(note).toEqual({
      id: expect.any(Number),
      text: 'asks good questions',
      createdAt: expect.any(Number),
      sessionMs: null,
      shapeId: 'shape:box-1',
      round: 1,
    })
    expect(note.createdAt).toBeGreaterThanOrEqual(before)
    const second = await postNote(server, room.roomId, room.tokens.interviewer, { text: 'x'.repeat(MAX_NOTE_LENGTH) })
    expect(second.status).toBe(201)

    const listed = (await (await getNotes(server, room.roomId, room.tokens.interviewer)).json()) as { notes: Note[] }
    expect(listed.notes.map((n) => n.text)).toEqual(['asks good questions', 'x'.repeat(MAX_NOTE_LENGTH)])
    expect(listed.notes[0]).toEqual(note)

    for (const role of [Role.Candidate, Role.Observer]) {
      const read = await getNotes(server, room.roomId, room.tokens[role])
      expect(await expectApiError(read, 403, ApiErrorCode.Forbidden)).toBe('Notes are private to the interviewer.')
      const write = await postNote(server, room.roomId, room.tokens[role], { text: `from the ${role}` })
      await expectApiError(write, 403, ApiErrorCode.Forbidden)
    }
    expect(await server.interview.notes(room.roomId, Role.Interviewer)).toHaveLength(2)
    expect(await server.interview.notes(room.roomId, Role.Candidate)).toEqual([])
    expect(await server.interview.notes(room.roomId, Role.Observer)).toEqual([])
  })

  it('stamps a note with the time since the session started once it has', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    await server.interview.setPrompt(room.roomId, 'design-spotify')
    await server.interview.control(room.roomId, 'start')
    const res = await postNote(server, room.roomId, room.tokens.interviewer, { text: 'started' })
    expect(res.status).toBe(201)
    const { note } = (await res.json()) as { note: Note }
    expect(note.sessionMs).toEqual(expect.any(Number))
    expect(note.sessionMs).toBeGreaterThanOrEqual(0)
    expect(note.sessionMs).toBeLessThan(5_000)
  })

  it('refuses no token (401), a wrong token (403), another room’s interviewer token (403), an unknown room (404)', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    const other = await createRoom(server)
    for (const send of [
      (token?: string) => getNotes(server, room.roomId, token),
      (token?: string) => postNote(server, room.roomId, token, { text: 'hi' }),
    ]) {
      await expectApiError(await send(), 401, ApiErrorCode.Unauthorized)
      await expectApiError(await send('garbage'), 403, ApiErrorCode.Forbidden)
      await expectApiError(await send(other.tokens.interviewer), 403, ApiErrorCode.Forbidden)
    }
    await expectApiError(await getNotes(server, 'no-such-room', room.tokens.interviewer), 404, ApiErrorCode.NotFound)
    await expectApiError(
      await postNote(server, 'no-such-room', room.tokens.interviewer, { text: 'hi' }),
      404,
      ApiErrorCode.NotFound
    )
    expect(await server.interview.notes(room.roomId, Role.Interviewer)).toEqual([])
    expect(await server.interview.notes(other.roomId, Role.Interviewer)).toEqual([])
  })

  it.each([
    ['invalid JSON', '{"text": '],
    ['an empty body', ''],
    ['a JSON array', '["hi"]'],
    ['a JSON string', '"hi"'],
    ['no text', {}],
    ['empty text', { text: '' }],
    ['blank text', { text: '  \t ' }],
    ['a number as text', { text: 12 }],
    ['text over the limit', { text: 'x'.repeat(MAX_NOTE_LENGTH + 1) }],
    ['an unknown field', { text: 'hi', author: 'candidate' }],
    ['a bad shape id', { text: 'hi', shapeId: 'box-1' }],
  ])('refuses %s with 400 and stores nothing', async (_name, body) => {
    const server = await ctx.server()
    const room = await createRoom(server)
    const res = await postNote(server, room.roomId, room.tokens.interviewer, body)
    await expectApiError(res, 400, ApiErrorCode.BadRequest)
    expect(await server.interview.notes(room.roomId, Role.Interviewer)).toEqual([])
  })

  it('refuses a body over 16 KiB with 413, with or without a content-length', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    const big = JSON.stringify({ text: 'x'.repeat(17 * 1024) })
    await expectApiError(
      await postNote(server, room.roomId, room.tokens.interviewer, big),
      413,
      ApiErrorCode.PayloadTooLarge
    )
    const bytes = new TextEncoder().encode(big)
    const chunked = await fetch(`${httpBase(server)}/api/rooms/${room.roomId}/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth(room.tokens.interviewer) },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 4096) controller.enqueue(bytes.subarray(i, i + 4096))
          controller.close()
        },
      }),
      duplex: 'half',
    } as RequestInit)
    await expectApiError(chunked, 413, ApiErrorCode.PayloadTooLarge)
    expect(await server.interview.notes(room.roomId, Role.Interviewer)).toEqual([])
  })

  it('follows a role swap: the candidate’s link writes its own notes, without the old interviewer’s', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    expect((await postNote(server, room.roomId, room.tokens.interviewer, { text: 'round 1 secret' })).status).toBe(201)
    await server.interview.swapRoles(room.roomId)

    await expectApiError(await getNotes(server, room.roomId, room.tokens.interviewer), 403, ApiErrorCode.Forbidden)
    const res = await getNotes(server, room.roomId, room.tokens.candidate)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ notes: [] })
    const written = await postNote(server, room.roomId, room.tokens.candidate, { text: 'round 2' })
    expect(written.status).toBe(201)
    expect(((await written.json()) as { note: Note }).note).toMatchObject({ text: 'round 2', round: 2 })
    const listed = (await (await getNotes(server, room.roomId, room.tokens.candidate)).json()) as { notes: Note[] }
    expect(listed.notes.map((n) => n.text)).toEqual(['round 2'])
  })
})
