import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { CreateRoomResponseSchema, PROTOCOL_VERSION, ROLES, RoomSessionSchema } from '@loopboard/protocol'
import { describe, expect, it } from 'vitest'
import { DATABASE_FILE, type LoopboardServer } from '../createServer.ts'
import { createRoom, httpBase, useTestContext, type TestServer } from '../test/helpers.ts'

const ctx = useTestContext()

function post(server: LoopboardServer, body: string, headers: Record<string, string> = {}) {
  return fetch(`${httpBase(server)}/api/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  })
}

function session(server: LoopboardServer, roomId: string, token?: string) {
  return fetch(`${httpBase(server)}/api/rooms/${encodeURIComponent(roomId)}/session`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  })
}

async function expectApiError(res: Response, status: number, code: string) {
  expect(res.status).toBe(status)
  expect(res.headers.get('content-type')).toMatch(/application\/json/)
  const body = (await res.json()) as { error: { code: string; message: string } }
  expect(body.error.code).toBe(code)
  expect(body.error.message).toEqual(expect.any(String))
  expect(body.error.message.length).toBeGreaterThan(0)
}

describe('POST /api/rooms', () => {
  it('creates a room from an empty body with the default title', async () => {
    const server = await ctx.server()
    for (const body of ['', '{}']) {
      const res = await post(server, body)
      expect(res.status).toBe(201)
      const room = CreateRoomResponseSchema.parse(await res.json())
      expect(room.title).toBe('System design interview')
      expect(await server.rooms.get(room.roomId)).toMatchObject({ id: room.roomId, title: room.title })
    }
  })

  it('keeps a given title, trimmed', async () => {
    const server = await ctx.server()
    const res = await post(server, JSON.stringify({ title: '  Design a URL shortener  ' }))
    expect(res.status).toBe(201)
    const room = CreateRoomResponseSchema.parse(await res.json())
    expect(room.title).toBe('Design a URL shortener')
    expect((await server.rooms.get(room.roomId))?.title).toBe('Design a URL shortener')
  })

  it('answers absolute links that carry the room id and each role’s own token', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    for (const role of ROLES) {
      const link = new URL(room.links[role])
      expect(link.origin).toBe(httpBase(server))
      expect(link.pathname).toBe(`/r/${room.roomId}`)
      expect(new URLSearchParams(link.hash.slice(1)).get('token')).toBe(room.tokens[role])
      // The token rides in the fragment only, never in the path or query the server would log.
      expect(link.search).toBe('')
    }
  })

  it('builds links from PUBLIC_URL when it is set', async () => {
    const server = await ctx.server({ publicUrl: 'https://loopboard.example.com' })
    const room = await createRoom(server)
    expect(room.links.candidate).toBe(`https://loopboard.example.com/r/${room.roomId}#token=${room.tokens.candidate}`)
  })

  it('hands out long, distinct tokens and distinct room ids', async () => {
    const server = await ctx.server()
    const a = await createRoom(server)
    const b = await createRoom(server)
    expect(a.roomId).not.toBe(b.roomId)
    const tokens = [...Object.values(a.tokens), ...Object.values(b.tokens)]
    for (const token of tokens) expect(token.length).toBeGreaterThanOrEqual(43)
    expect(new Set(tokens).size).toBe(6)
  })

  it('stores only token hashes, never the tokens', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    const dbFile = join(server.dataDir, DATABASE_FILE)
    const db = new DatabaseSync(dbFile, { readOnly: true })
    try {
      const rows = db.prepare('SELECT * FROM room_tokens WHERE room_id = ?').all(room.roomId) as Array<
        Record<string, unknown>
      >
      expect(rows.map((r) => r.seat).sort()).toEqual([...ROLES].sort())
      const cells = rows.flatMap((r) => Object.values(r).map(String))
      for (const role of ROLES) {
        const token = room.tokens[role]
        for (const cell of cells) expect(cell).not.toContain(token)
        const row = rows.find((r) => r.seat === role)
        expect(row?.token_hash).toBe(createHash('sha256').update(token).digest('hex'))
      }
    } finally {
      db.close()
    }
    // Nor anywhere else on disk (database, WAL, shared memory).
    for (const file of readdirSync(server.dataDir)) {
      const bytes = readFileSync(join(server.dataDir, file))
      for (const token of Object.values(room.tokens)) expect(bytes.includes(token)).toBe(false)
    }
  })

  it.each([
    ['invalid JSON', '{"title": '],
    ['a JSON array', '[]'],
    ['an unknown field', JSON.stringify({ title: 'ok', admin: true })],
    ['a blank title', JSON.stringify({ title: '   ' })],
    ['a title over 120 characters', JSON.stringify({ title: 'x'.repeat(121) })],
    ['a non-string title', JSON.stringify({ title: 42 })],
  ])('refuses %s with 400 and creates nothing', async (_name, body) => {
    const server = await ctx.server()
    const res = await post(server, body)
    await expectApiError(res, 400, 'bad_request')
    expect(roomCount(server)).toBe(0)
  })

  it('refuses a body over 16 KiB with 413', async () => {
    const server = await ctx.server()
    const res = await post(server, JSON.stringify({ title: 'x'.repeat(20_000) }))
    await expectApiError(res, 413, 'payload_too_large')
    expect(roomCount(server)).toBe(0)
  })

  it('refuses an oversized body sent without Content-Length (chunked) with 413', async () => {
    const server = await ctx.server()
    const big = new TextEncoder().encode(JSON.stringify({ title: 'x'.repeat(40_000) }))
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < big.length; i += 1000) controller.enqueue(big.subarray(i, i + 1000))
        controller.close()
      },
    })
    const res = await fetch(`${httpBase(server)}/api/rooms`, { method: 'POST', body, duplex: 'half' } as RequestInit)
    await expectApiError(res, 413, 'payload_too_large')
    expect(roomCount(server)).toBe(0)
  })
})

describe('GET /api/rooms/:id/session', () => {
  it('tells each token holder its role', async () => {
    const server = await ctx.server()
    const room = await createRoom(server, { title: 'Rate limiter' })
    for (const role of ROLES) {
      const res = await session(server, room.roomId, room.tokens[role])
      expect(res.status).toBe(200)
      const body = RoomSessionSchema.parse(await res.json())
      expect(body).toMatchObject({
        roomId: room.roomId,
        title: 'Rate limiter',
        role,
        protocolVersion: PROTOCOL_VERSION,
      })
    }
  })

  it('answers 404 JSON for an unknown room, even with a token', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    await expectApiError(await session(server, 'no-such-room', room.tokens.interviewer), 404, 'not_found')
  })

  it('answers 401 without a token', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    await expectApiError(await session(server, room.roomId), 401, 'unauthorized')
    const malformed = await fetch(`${httpBase(server)}/api/rooms/${room.roomId}/session`, {
      headers: { authorization: `Basic ${room.tokens.interviewer}` },
    })
    await expectApiError(malformed, 401, 'unauthorized')
  })

  it('answers 403 for a wrong token, including another room’s valid one', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    const other = await createRoom(server)
    await expectApiError(await session(server, room.roomId, 'x'.repeat(43)), 403, 'forbidden')
    for (const role of ROLES) {
      await expectApiError(await session(server, room.roomId, other.tokens[role]), 403, 'forbidden')
    }
  })
})

describe('other routes', () => {
  it('GET /healthz answers {ok:true}', async () => {
    const server = await ctx.server()
    const res = await fetch(`${httpBase(server)}/healthz`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true })
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
  })

  it('answers 404 JSON for an unknown /api route', async () => {
    const server = await ctx.server()
    await expectApiError(await fetch(`${httpBase(server)}/api/nope`), 404, 'not_found')
    await expectApiError(await fetch(`${httpBase(server)}/api/rooms`, { method: 'DELETE' }), 404, 'not_found')
  })
})

function roomCount(server: TestServer): number {
  const db = new DatabaseSync(join(server.dataDir, DATABASE_FILE), { readOnly: true })
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM rooms').get() as { n: number }).n
  } finally {
    db.close()
  }
}
