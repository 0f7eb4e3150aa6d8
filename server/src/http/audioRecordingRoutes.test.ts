import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import {
  CloseCode,
  MAX_AUDIO_CHUNK_BYTES,
  MAX_CHUNKS_PER_TRACK,
  Role,
  TAB_SECRET_HEADER,
  TimelineEventType,
  type AudioTrackInfo,
  type CreateRoomResponse,
  type SessionSummary,
  type Timeline,
} from '@loopboard/protocol'
import { strFromU8, unzipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../config.ts'
import { RECORDINGS_DIR } from '../createServer.ts'
import { STOP_GRACE_MS } from '../audioRecording/RecordingService.ts'
import { participantIdFor } from '../rooms/participantId.ts'
import {
  createRoom,
  httpBase,
  textUpdate,
  updateFrame,
  useTestContext,
  waitFor,
  withTimeout,
  type TestServer,
} from '../test/helpers.ts'
import type { DatabaseSync } from 'node:sqlite'
import { parseRange } from './audioRecordingRoutes.ts'

const ctx = useTestContext()

const MIME = 'audio/webm;codecs=opus'
const DAY_MS = 24 * 60 * 60 * 1000

/** The tab secret each link's requests carry here: one tab per link (another tab: pass `tab`). */
const tabOf = (token: string) => createHash('sha256').update(token).digest('base64url')

const bearer = (token: string | undefined, tab = token && tabOf(token)): Record<string, string> =>
  token === undefined ? {} : { authorization: `Bearer ${token}`, [TAB_SECRET_HEADER]: tab! }

/** The participant id the server derives for a link's tab. */
const idOf = (room: CreateRoomResponse, role: Role) => participantIdFor(room.roomId, role, tabOf(room.tokens[role]))

const api = (server: TestServer, path: string, init: RequestInit = {}) =>
  fetch(`${httpBase(server)}/api/rooms/${path}`, init)

const user = (role: Role) => ({
  userId: `user-${role}`,
  name: { interviewer: 'Ivy', candidate: 'Cam', observer: 'Oli' }[role],
})

function postTrack(server: TestServer, roomId: string, token: string | undefined, body: unknown, tab?: string) {
  return api(server, `${roomId}/recordings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearer(token, tab) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

interface ChunkOptions {
  startedAt?: number | string | null
  durationMs?: number | string | null
  contentType?: string
  /** The tab secret sent (default: the link's own tab). */
  tab?: string
}

function putChunk(
  server: TestServer,
  roomId: string,
  token: string | undefined,
  trackId: string,
  seq: number | string,
  bytes: Uint8Array,
  { startedAt = Date.now(), durationMs = 4000, contentType = MIME, tab }: ChunkOptions = {}
) {
  const headers: Record<string, string> = { 'content-type': contentType, ...bearer(token, tab) }
  if (startedAt !== null) headers['x-chunk-started-at'] = String(startedAt)
  if (durationMs !== null) headers['x-chunk-duration-ms'] = String(durationMs)
  return api(server, `${roomId}/recordings/${trackId}/chunks/${seq}`, {
    method: 'PUT',
    headers,
    body: new Uint8Array(bytes),
  })
}

function getAudio(server: TestServer, roomId: string, token: string | undefined, trackId: string, range?: string) {
  return api(server, `${roomId}/recordings/${trackId}/audio`, {
    headers: { ...bearer(token), ...(range ? { range } : {}) },
  })
}

/**
 * PUT `pieces` × `size` bytes with chunked transfer encoding (no Content-Length) and resolve
 * with the status. The server may answer before the body is all sent and close the connection;
 * fetch reports that as a failure, so this uses node:http and ignores write errors after the answer.
 */
function streamedPut(server: TestServer, path: string, token: string, pieces: number, size: number): Promise<number> {
  return withTimeout(
    new Promise<number>((resolve, reject) => {
      const req = request(`${httpBase(server)}/api/rooms/${path}`, {
        method: 'PUT',
        headers: {
          ...bearer(token),
          'content-type': MIME,
          'x-chunk-started-at': String(Date.now()),
          'x-chunk-duration-ms': '4000',
        },
      })
      let answered = false
      req.on('response', (res) => {
        answered = true
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.on('error', (error) => {
        if (!answered) reject(error)
      })
      const write = (i: number): void => {
        if (i === pieces || answered) return void req.end()
        if (req.write(new Uint8Array(size))) write(i + 1)
        else req.once('drain', () => write(i + 1))
      }
      write(0)
    }),
    'streamed PUT'
  )
}

async function errorOf(res: Response, status: number): Promise<string> {
  expect(res.status, await res.clone().text()).toBe(status)
  const body = (await res.json()) as { error: { code: string; message: string } }
  expect(body.error.message.length).toBeGreaterThan(0)
  return body.error.message
}

/** A room that is recording, with the interviewer and candidate consenting. */
async function recordingRoom(server?: TestServer) {
  server ??= await ctx.server()
  const room = await createRoom(server, { title: 'Design a URL shortener' })
  await server.recordings.start(room.roomId, user(Role.Interviewer))
  await server.recordings.setConsent(room.roomId, idOf(room, Role.Interviewer), true)
  await server.recordings.setConsent(room.roomId, idOf(room, Role.Candidate), true)
  return { server, room, roomId: room.roomId }
}

/** Announce a track as `role` and return its id. */
async function track(server: TestServer, room: CreateRoomResponse, role: 'interviewer' | 'candidate') {
  const trackId = randomUUID()
  const res = await postTrack(server, room.roomId, room.tokens[role], {
    trackId,
    name: user(role).name,
    mimeType: MIME,
  })
  expect(res.status, await res.clone().text()).toBe(201)
  return trackId
}

/** Upload `chunks` to a track, in the order given, each started 4 s after `t0` times its seq. */
async function upload(
  server: TestServer,
  room: CreateRoomResponse,
  role: Role,
  trackId: string,
  chunks: Array<[number, Uint8Array]>,
  t0: number
) {
  for (const [seq, bytes] of chunks) {
    const res = await putChunk(server, room.roomId, room.tokens[role], trackId, seq, bytes, {
      startedAt: t0 + seq * 4000,
      durationMs: 4000,
    })
    expect(res.status, await res.clone().text()).toBe(201)
  }
}

const databases = new WeakMap<TestServer, DatabaseSync>()
/** The test's own connection to the server's database file. */
const database = (server: TestServer) => {
  let db = databases.get(server)
  if (!db) databases.set(server, (db = ctx.database(server)))
  return db
}

const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts))

function rowsOf(server: TestServer, roomId: string): Record<string, number> {
  const db = database(server)
  const tables = (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as Array<{
      name: string
    }>
  ).map((t) => t.name)
  const counts: Record<string, number> = {}
  for (const table of tables) {
    const columns = (db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name)
    const column = table === 'rooms' ? 'id' : columns.includes('room_id') ? 'room_id' : null
    if (!column) continue
    counts[table] = (
      db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${column} = ?`).get(roomId) as { n: number }
    ).n
  }
  return counts
}

describe('POST /api/rooms/:roomId/recordings', () => {
  it('creates a track for a consenting speaker while recording, idempotently', async () => {
    const { server, room, roomId } = await recordingRoom()
    const trackId = randomUUID()
    const body = { trackId, name: user(Role.Candidate).name, mimeType: MIME }
    const first = await postTrack(server, roomId, room.tokens.candidate, body)
    expect(first.status).toBe(201)
    const { track } = (await first.json()) as { track: AudioTrackInfo }
    expect(track).toMatchObject({
      id: trackId,
      userId: idOf(room, Role.Candidate),
      name: 'Cam',
      role: 'candidate',
      mimeType: MIME,
      durationMs: 0,
      chunks: 0,
    })
    expect(track.url).toBe(`/api/rooms/${roomId}/recordings/${trackId}/audio`)

    const again = await postTrack(server, roomId, room.tokens.candidate, body)
    expect(again.status).toBe(200)
    expect(((await again.json()) as { track: AudioTrackInfo }).track).toEqual(track)

    // The same trackId is someone else's: another link, or another tab on the same link.
    expect(
      await errorOf(
        await postTrack(server, roomId, room.tokens.interviewer, { ...body, name: user(Role.Interviewer).name }),
        409
      )
    ).toMatch(/another participant/)
    await errorOf(await postTrack(server, roomId, room.tokens.candidate, body, tabOf('another tab')), 409)
    // A body cannot name a participant at all.
    await errorOf(await postTrack(server, roomId, room.tokens.candidate, { ...body, userId: track.userId }), 400)
    // Nor can a request without its tab's secret announce a track.
    await errorOf(await postTrack(server, roomId, room.tokens.candidate, body, ''), 400)
  })

  it('refuses when the room is not recording or the user has not consented', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    const body = (role: Role) => ({ trackId: randomUUID(), name: user(role).name, mimeType: MIME })
    await server.recordings.setConsent(room.roomId, idOf(room, Role.Candidate), true)
    expect(
      await errorOf(await postTrack(server, room.roomId, room.tokens.candidate, body(Role.Candidate)), 409)
    ).toMatch(/not recording/)

    await server.recordings.start(room.roomId, user(Role.Interviewer))
    expect(
      await errorOf(await postTrack(server, room.roomId, room.tokens.interviewer, body(Role.Interviewer)), 409)
    ).toMatch(/not agreed/)
    await server.recordings.setConsent(room.roomId, idOf(room, Role.Interviewer), false)
    await errorOf(await postTrack(server, room.roomId, room.tokens.interviewer, body(Role.Interviewer)), 409)
    expect((await postTrack(server, room.roomId, room.tokens.candidate, body(Role.Candidate))).status).toBe(201)
    expect(rowsOf(server, room.roomId).audio_tracks).toBe(1)
  })

  it('refuses the observer, strangers and bad bodies', async () => {
    const { server, room, roomId } = await recordingRoom()
    const other = await createRoom(server)
    await server.recordings.setConsent(roomId, idOf(room, Role.Observer), true)
    const body = { trackId: randomUUID(), name: user(Role.Observer).name, mimeType: MIME }
    await errorOf(await postTrack(server, roomId, room.tokens.observer, body), 403)
    await errorOf(await postTrack(server, roomId, other.tokens.interviewer, body), 403)
    await errorOf(await postTrack(server, roomId, undefined, body), 401)
    await errorOf(await postTrack(server, 'no-such-room', room.tokens.interviewer, body), 404)
    const ok = { trackId: randomUUID(), name: user(Role.Interviewer).name, mimeType: MIME }
    for (const bad of [
      '{',
      { ...ok, trackId: '../../etc' },
      { ...ok, mimeType: 'video/mp4' },
      { ...ok, extra: 1 },
      { ...ok, name: ' ' },
    ]) {
      await errorOf(await postTrack(server, roomId, room.tokens.interviewer, bad), 400)
    }
    expect(rowsOf(server, roomId).audio_tracks).toBe(0)
  })
})

describe('PUT /api/rooms/:roomId/recordings/:trackId/chunks/:seq', () => {
  it('stores a chunk once: same bytes again → 200, different bytes → 409', async () => {
    const { server, room, roomId } = await recordingRoom()
    const trackId = await track(server, room, Role.Candidate)
    const bytes = randomBytes(3000)
    const first = await putChunk(server, roomId, room.tokens.candidate, trackId, 0, bytes, {
      startedAt: 1_700_000_000_000,
      durationMs: 4000,
    })
    expect(first.status).toBe(201)
    expect(await first.json()).toEqual({
      chunk: { seq: 0, startedAt: 1_700_000_000_000, durationMs: 4000, bytes: 3000 },
    })
    expect((await putChunk(server, roomId, room.tokens.candidate, trackId, 0, bytes)).status).toBe(200)
    expect(
      await errorOf(await putChunk(server, roomId, room.tokens.candidate, trackId, 0, randomBytes(3000)), 409)
    ).toMatch(/different bytes/)

    const file = join(server.dataDir, RECORDINGS_DIR, roomId, trackId, '000000.chunk')
    expect(readFileSync(file)).toEqual(bytes)
    expect(readdirSync(join(server.dataDir, RECORDINGS_DIR, roomId, trackId))).toEqual(['000000.chunk'])
    const [row] = database(server).prepare('SELECT * FROM audio_chunks WHERE track_id = ?').all(trackId) as Array<
      Record<string, unknown>
    >
    expect(row).toMatchObject({
      room_id: roomId,
      seq: 0,
      started_at: 1_700_000_000_000,
      duration_ms: 4000,
      bytes: 3000,
    })
    expect(row!.sha256).toMatch(/^[0-9a-f]{64}$/)
  })

  it('answers concurrent uploads of the same chunk consistently', async () => {
    const { server, room, roomId } = await recordingRoom()
    const trackId = await track(server, room, Role.Interviewer)
    const a = randomBytes(5000)
    const b = randomBytes(5000)
    const statuses = await Promise.all(
      [a, a, b, a].map((bytes) =>
        putChunk(server, roomId, room.tokens.interviewer, trackId, 7, bytes).then((r) => r.status)
      )
    )
    expect(statuses.filter((s) => s === 201)).toHaveLength(1)
    const winner = statuses[0] === 201 || statuses[1] === 201 || statuses[3] === 201 ? a : b
    expect(readFileSync(join(server.dataDir, RECORDINGS_DIR, roomId, trackId, '000007.chunk'))).toEqual(winner)
    expect(statuses.filter((s) => s === 409)).toHaveLength(winner === a ? 1 : 3)
  })

  it('refuses a chunk over MAX_AUDIO_CHUNK_BYTES with 413, with or without Content-Length', async () => {
    const { server, room, roomId } = await recordingRoom()
    const trackId = await track(server, room, Role.Interviewer)
    const big = new Uint8Array(MAX_AUDIO_CHUNK_BYTES + 1)
    await errorOf(await putChunk(server, roomId, room.tokens.interviewer, trackId, 0, big), 413)
    // Streamed (chunked transfer encoding): the limit cuts in as the bytes arrive.
    expect(
      await streamedPut(
        server,
        `${roomId}/recordings/${trackId}/chunks/1`,
        room.tokens.interviewer,
        5,
        MAX_AUDIO_CHUNK_BYTES / 4
      )
    ).toBe(413)
    expect(
      (await putChunk(server, roomId, room.tokens.interviewer, trackId, 2, new Uint8Array(MAX_AUDIO_CHUNK_BYTES)))
        .status
    ).toBe(201)
    expect(rowsOf(server, roomId).audio_chunks).toBe(1)
  })

  it('checks seq, headers, Content-Type, the track and who owns it', async () => {
    const { server, room, roomId } = await recordingRoom()
    const other = await createRoom(server)
    const mine = await track(server, room, Role.Interviewer)
    const theirs = await track(server, room, Role.Candidate)
    const bytes = randomBytes(100)
    const put = (
      token: string | undefined,
      trackId: string,
      seq: number | string,
      options?: ChunkOptions,
      roomId_ = roomId
    ) => putChunk(server, roomId_, token, trackId, seq, bytes, options)
    const ivy = room.tokens.interviewer

    for (const seq of [MAX_CHUNKS_PER_TRACK, MAX_CHUNKS_PER_TRACK + 1, '-1', 'x', '1.5'])
      await errorOf(await put(ivy, mine, seq), 400)
    expect((await put(ivy, mine, MAX_CHUNKS_PER_TRACK - 1)).status).toBe(201)
    await errorOf(await put(ivy, mine, 0, { startedAt: null }), 400)
    await errorOf(await put(ivy, mine, 0, { startedAt: 'soon' }), 400)
    await errorOf(await put(ivy, mine, 0, { durationMs: null }), 400)
    await errorOf(await put(ivy, mine, 0, { durationMs: -5 }), 400)
    await errorOf(await put(ivy, mine, 0, { contentType: 'application/octet-stream' }), 415)
    await errorOf(await putChunk(server, roomId, ivy, mine, 0, new Uint8Array(0)), 400)

    expect(await errorOf(await put(ivy, randomUUID(), 0), 404)).toMatch(/No track/)
    expect(await errorOf(await put(ivy, theirs, 0), 403)).toMatch(/another participant/)
    await errorOf(await put(room.tokens.candidate, mine, 0), 403)
    // The candidate's link in another tab (another participant) cannot add to the candidate's track.
    expect(
      await errorOf(
        await putChunk(server, roomId, room.tokens.candidate, theirs, 5, randomBytes(10), { tab: tabOf('x') }),
        403
      )
    ).toMatch(/another participant/)
    await errorOf(await put(room.tokens.observer, mine, 0), 403)
    await errorOf(await put(other.tokens.interviewer, mine, 0), 403)
    await errorOf(await put(undefined, mine, 0), 401)
    await errorOf(await put(ivy, mine, 0, {}, 'no-such-room'), 404)
    // A track id of another room is unknown here.
    await errorOf(await put(other.tokens.interviewer, mine, 0, {}, other.roomId), 404)
    expect(rowsOf(server, roomId).audio_chunks).toBe(1)
  })

  it('still takes chunks recorded before the stop, but not after it or after consent is withdrawn', async () => {
    const { server, room, roomId } = await recordingRoom()
    const trackId = await track(server, room, Role.Candidate)
    const cam = room.tokens.candidate
    const t0 = Date.now()
    expect((await putChunk(server, roomId, cam, trackId, 0, randomBytes(10), { startedAt: t0 })).status).toBe(201)
    await server.recordings.stop(roomId, user(Role.Interviewer))
    const stoppedAt = Date.now()
    // In flight when the stop came: recorded before it (or within the grace for clock error).
    expect((await putChunk(server, roomId, cam, trackId, 1, randomBytes(10), { startedAt: t0 + 1 })).status).toBe(201)
    expect(
      (await putChunk(server, roomId, cam, trackId, 2, randomBytes(10), { startedAt: stoppedAt + 100 })).status
    ).toBe(201)
    expect(
      await errorOf(
        await putChunk(server, roomId, cam, trackId, 3, randomBytes(10), {
          startedAt: stoppedAt + STOP_GRACE_MS + 1000,
        }),
        409
      )
    ).toMatch(/stopped/)
    // No new track while stopped.
    await errorOf(
      await postTrack(server, roomId, cam, { trackId: randomUUID(), name: user(Role.Candidate).name, mimeType: MIME }),
      409
    )

    await server.recordings.start(roomId, user(Role.Interviewer))
    const next = await track(server, room, Role.Candidate)
    await server.recordings.setConsent(roomId, idOf(room, Role.Candidate), false)
    expect(await errorOf(await putChunk(server, roomId, cam, next, 0, randomBytes(10)), 409)).toMatch(/withdrawn/)
    expect(rowsOf(server, roomId).audio_chunks).toBe(3)
  })
})

describe('GET /api/rooms/:roomId/recordings/:trackId/audio', () => {
  it('serves the chunks concatenated in seq order, with ranges', async () => {
    const { server, room, roomId } = await recordingRoom()
    const trackId = await track(server, room, Role.Interviewer)
    const parts = [randomBytes(1000), randomBytes(1500), randomBytes(700)]
    const t0 = Date.now() - 20_000
    // Uploaded out of order; served in seq order.
    await upload(
      server,
      room,
      Role.Interviewer,
      trackId,
      [
        [2, parts[2]!],
        [0, parts[0]!],
        [1, parts[1]!],
      ],
      t0
    )
    const whole = concat(...parts)

    const res = await getAudio(server, roomId, room.tokens.interviewer, trackId)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe(MIME)
    expect(res.headers.get('content-length')).toBe(String(whole.byteLength))
    expect(res.headers.get('accept-ranges')).toBe('bytes')
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(whole)

    // Across the first chunk boundary.
    const partial = await getAudio(server, roomId, room.tokens.interviewer, trackId, 'bytes=900-1099')
    expect(partial.status).toBe(206)
    expect(partial.headers.get('content-range')).toBe(`bytes 900-1099/${whole.byteLength}`)
    expect(partial.headers.get('content-length')).toBe('200')
    expect(new Uint8Array(await partial.arrayBuffer())).toEqual(whole.subarray(900, 1100))

    const cases: Array<[string, number, number]> = [
      ['bytes=2500-', 2500, whole.byteLength - 1],
      ['bytes=-300', whole.byteLength - 300, whole.byteLength - 1],
      ['bytes=0-0', 0, 0],
      ['bytes=3000-999999', 3000, whole.byteLength - 1],
    ]
    for (const [range, start, end] of cases) {
      const r = await getAudio(server, roomId, room.tokens.interviewer, trackId, range)
      expect(r.status, range).toBe(206)
      expect(r.headers.get('content-range'), range).toBe(`bytes ${start}-${end}/${whole.byteLength}`)
      expect(new Uint8Array(await r.arrayBuffer()), range).toEqual(whole.subarray(start, end + 1))
    }
    const unsatisfiable = await getAudio(server, roomId, room.tokens.interviewer, trackId, `bytes=${whole.byteLength}-`)
    await errorOf(unsatisfiable, 416)
    expect(unsatisfiable.headers.get('content-range')).toBe(`bytes */${whole.byteLength}`)
    // Several ranges are not supported: the whole track.
    expect((await getAudio(server, roomId, room.tokens.interviewer, trackId, 'bytes=0-1,5-9')).status).toBe(200)
  })

  it('is for the interviewer only', async () => {
    const { server, room, roomId } = await recordingRoom()
    const other = await createRoom(server)
    const trackId = await track(server, room, Role.Candidate)
    await upload(server, room, Role.Candidate, trackId, [[0, randomBytes(10)]], Date.now())
    await errorOf(await getAudio(server, roomId, room.tokens.candidate, trackId), 403)
    await errorOf(await getAudio(server, roomId, room.tokens.observer, trackId), 403)
    await errorOf(await getAudio(server, roomId, other.tokens.interviewer, trackId), 403)
    await errorOf(await getAudio(server, roomId, undefined, trackId), 401)
    await errorOf(await getAudio(server, roomId, room.tokens.interviewer, randomUUID()), 404)
    await errorOf(await getAudio(server, 'no-such-room', room.tokens.interviewer, trackId), 404)
    for (const token of [room.tokens.candidate, room.tokens.observer]) {
      await errorOf(await api(server, `${roomId}/timeline`, { headers: bearer(token) }), 403)
    }
  })

  it('lists the tracks with audio on the timeline', async () => {
    const { server, room, roomId } = await recordingRoom()
    const ivyTrack = await track(server, room, Role.Interviewer)
    const camTrack = await track(server, room, Role.Candidate)
    await track(server, room, Role.Candidate) // no chunks: not listed
    const t0 = 1_700_000_000_000
    await upload(
      server,
      room,
      Role.Interviewer,
      ivyTrack,
      [
        [1, randomBytes(20)],
        [0, randomBytes(20)],
      ],
      t0
    )
    await upload(
      server,
      room,
      Role.Candidate,
      camTrack,
      [
        [0, randomBytes(20)],
        [1, randomBytes(20)],
        [2, randomBytes(20)],
      ],
      t0 + 500
    )

    const res = await api(server, `${roomId}/timeline`, { headers: bearer(room.tokens.interviewer) })
    const timeline = (await res.json()) as Timeline
    expect(timeline.audio).toEqual([
      {
        id: ivyTrack,
        userId: idOf(room, Role.Interviewer),
        name: 'Ivy',
        role: 'interviewer',
        mimeType: MIME,
        startedAt: t0,
        durationMs: 8000,
        chunks: 2,
        url: `/api/rooms/${roomId}/recordings/${ivyTrack}/audio`,
      },
      {
        id: camTrack,
        userId: idOf(room, Role.Candidate),
        name: 'Cam',
        role: 'candidate',
        mimeType: MIME,
        startedAt: t0 + 500,
        durationMs: 12000,
        chunks: 3,
        url: `/api/rooms/${roomId}/recordings/${camTrack}/audio`,
      },
    ])
    // The url works as given, against the server's origin.
    const audio = await fetch(`${httpBase(server)}${timeline.audio[1]!.url}`, {
      headers: bearer(room.tokens.interviewer),
    })
    expect((await audio.arrayBuffer()).byteLength).toBe(60)
  })
})

describe('sessions', () => {
  it('GET /summary gives the interviewer what the sessions list shows', async () => {
    const { server, room, roomId } = await recordingRoom()
    await server.interview.setPrompt(roomId, 'design-spotify')
    const trackId = await track(server, room, Role.Interviewer)
    await upload(server, room, Role.Interviewer, trackId, [[0, randomBytes(10)]], Date.now())
    const res = await api(server, `${roomId}/summary`, { headers: bearer(room.tokens.interviewer) })
    expect(res.status).toBe(200)
    const summary = (await res.json()) as SessionSummary
    const timeline = (await (
      await api(server, `${roomId}/timeline`, { headers: bearer(room.tokens.interviewer) })
    ).json()) as Timeline
    expect(summary).toEqual({
      roomId,
      title: 'Design a URL shortener',
      createdAt: (await server.rooms.get(roomId))!.createdAt,
      startedAt: timeline.startedAt,
      endedAt: timeline.endedAt,
      promptTitle: (await server.interview.prompt(roomId, 'design-spotify'))!.title,
      audioTracks: 1,
    })
    expect(summary.startedAt).not.toBeNull()

    const fresh = await createRoom(server)
    const empty = (await (
      await api(server, `${fresh.roomId}/summary`, { headers: bearer(fresh.tokens.interviewer) })
    ).json()) as SessionSummary
    expect(empty).toMatchObject({ startedAt: null, endedAt: null, promptTitle: null, audioTracks: 0 })
    for (const token of [room.tokens.candidate, room.tokens.observer]) {
      await errorOf(await api(server, `${roomId}/summary`, { headers: bearer(token) }), 403)
    }
  })

  it('DELETE removes the room, every row it owns and its audio files, and drops live connections', async () => {
    const { server, room, roomId } = await recordingRoom()
    const keep = await recordingRoom(server)
    const keepTrack = await track(server, keep.room, Role.Interviewer)
    await upload(server, keep.room, Role.Interviewer, keepTrack, [[0, randomBytes(10)]], Date.now())

    // Fill every table: board log and snapshot, interview state, notes, scores, feedback, audio.
    const raw = await ctx.raw(server, roomId, room.tokens.interviewer)
    raw.send(updateFrame(textUpdate('hello')))
    // Stored in SQLite (a read would also show it while it is only journaled).
    await waitFor(() => rowsOf(server, roomId).room_updates! > 0, 'the update to move into SQLite')
    await server.relay.room(roomId).snapshot()
    await server.interview.setPrompt(roomId, 'design-spotify')
    await server.interview.addNote(roomId, Role.Interviewer, 'asks good questions', null)
    await server.interview.saveScorecard(roomId, Role.Interviewer, { scores: {}, recommendation: null, summary: 'ok' })
    await server.interview.publishFeedback(roomId, Role.Interviewer, 'Well done.')
    const trackId = await track(server, room, Role.Candidate)
    await upload(
      server,
      room,
      Role.Candidate,
      trackId,
      [
        [0, randomBytes(10)],
        [1, randomBytes(10)],
      ],
      Date.now()
    )
    const presence = ctx.presence(server, {
      roomId,
      token: room.tokens.candidate,
      name: 'Cam',
      userId: 'user-candidate',
    })
    await withTimeout(new Promise<void>((resolve) => presence.on('connect', () => resolve())), 'socket.io to connect')
    const disconnected = new Promise<string>((resolve) => presence.on('disconnect', (reason) => resolve(reason)))

    const before = rowsOf(server, roomId)
    for (const table of [
      'rooms',
      'room_tokens',
      'room_updates',
      'room_snapshots',
      'interview_state',
      'notes',
      'scorecards',
      'feedback',
      'events',
      'recordings',
      'recording_consent',
      'audio_tracks',
      'audio_chunks',
    ]) {
      expect(before[table], table).toBeGreaterThan(0)
    }
    const roomDir = join(server.dataDir, RECORDINGS_DIR, roomId)
    expect(existsSync(join(roomDir, trackId, '000001.chunk'))).toBe(true)

    for (const token of [room.tokens.candidate, room.tokens.observer]) {
      await errorOf(await api(server, roomId, { method: 'DELETE', headers: bearer(token) }), 403)
    }
    const res = await api(server, roomId, { method: 'DELETE', headers: bearer(room.tokens.interviewer) })
    expect(res.status).toBe(204)
    expect(await res.text()).toBe('')

    expect(await withTimeout(raw.closed, '/yjs to close')).toMatchObject({ code: CloseCode.RoomGone })
    expect(await withTimeout(disconnected, 'socket.io to disconnect')).toBe('io server disconnect')
    expect(
      Object.values(rowsOf(server, roomId)).every((n) => n === 0),
      JSON.stringify(rowsOf(server, roomId))
    ).toBe(true)
    expect(existsSync(roomDir)).toBe(false)
    expect(server.relay.activeRooms).toBe(0)

    for (const path of [
      `${roomId}/session`,
      `${roomId}/timeline`,
      `${roomId}/summary`,
      `${roomId}/recordings/${trackId}/audio`,
    ]) {
      await errorOf(await api(server, path, { headers: bearer(room.tokens.interviewer) }), 404)
    }
    await errorOf(await api(server, roomId, { method: 'DELETE', headers: bearer(room.tokens.interviewer) }), 404)

    // The other room is untouched.
    expect(rowsOf(server, keep.roomId).audio_chunks).toBe(1)
    expect(existsSync(join(server.dataDir, RECORDINGS_DIR, keep.roomId, keepTrack, '000000.chunk'))).toBe(true)
  })

  it('GET /archive is a zip of timeline.json, feedback.md and every audio track', async () => {
    const { server, room, roomId } = await recordingRoom()
    const ivyTrack = await track(server, room, Role.Interviewer)
    const camTrack = await track(server, room, Role.Candidate)
    const ivyParts = [randomBytes(3000), randomBytes(2000)]
    const camParts = [randomBytes(100), randomBytes(200), randomBytes(300)]
    await upload(
      server,
      room,
      Role.Interviewer,
      ivyTrack,
      ivyParts.map((b, i) => [i, b] as [number, Uint8Array]),
      Date.now()
    )
    await upload(
      server,
      room,
      Role.Candidate,
      camTrack,
      camParts.map((b, i) => [i, b] as [number, Uint8Array]),
      Date.now()
    )
    await server.interview.publishFeedback(roomId, Role.Interviewer, '# Feedback\n\nClear trade-offs.')

    for (const token of [room.tokens.candidate, room.tokens.observer]) {
      await errorOf(await api(server, `${roomId}/archive`, { headers: bearer(token) }), 403)
    }
    const res = await api(server, `${roomId}/archive`, { headers: bearer(room.tokens.interviewer) })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/zip')
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="loopboard-${roomId}.zip"`)
    const files = unzipSync(new Uint8Array(await res.arrayBuffer()))
    expect(Object.keys(files).sort()).toEqual(
      [
        'timeline.json',
        'feedback.md',
        `audio/Ivy-interviewer-${ivyTrack}.webm`,
        `audio/Cam-candidate-${camTrack}.webm`,
      ].sort()
    )
    const timeline = await (
      await api(server, `${roomId}/timeline`, { headers: bearer(room.tokens.interviewer) })
    ).json()
    expect(JSON.parse(strFromU8(files['timeline.json']!))).toEqual(timeline)
    expect(strFromU8(files['feedback.md']!)).toBe('# Feedback\n\nClear trade-offs.')
    expect(files[`audio/Ivy-interviewer-${ivyTrack}.webm`]).toEqual(concat(...ivyParts))
    expect(files[`audio/Cam-candidate-${camTrack}.webm`]).toEqual(concat(...camParts))

    // Without feedback or audio, the archive holds the timeline alone.
    const bare = await createRoom(server)
    const bareZip = unzipSync(
      new Uint8Array(
        await (await api(server, `${bare.roomId}/archive`, { headers: bearer(bare.tokens.interviewer) })).arrayBuffer()
      )
    )
    expect(Object.keys(bareZip)).toEqual(['timeline.json'])
  })
})

describe('retention', () => {
  /** Move everything a room did `days` into the past. */
  function age(server: TestServer, roomId: string, days: number) {
    const db = database(server)
    const shift = days * DAY_MS
    db.prepare('UPDATE rooms SET created_at = created_at - ? WHERE id = ?').run(shift, roomId)
    for (const [table, column] of [
      ['room_updates', 'ts'],
      ['events', 'ts'],
      ['scorecards', 'updated_at'],
      ['audio_chunks', 'received_at'],
    ]) {
      db.prepare(`UPDATE ${table} SET ${column} = ${column} - ? WHERE room_id = ?`).run(shift, roomId)
    }
  }

  it('deletes rooms idle for longer than RETENTION_DAYS (rows and files), keeps recent and live ones', async () => {
    const server = await ctx.server({ retentionDays: 7 })
    const old = await recordingRoom(server)
    const oldTrack = await track(server, old.room, Role.Interviewer)
    await upload(server, old.room, Role.Interviewer, oldTrack, [[0, randomBytes(10)]], Date.now())
    const recent = await recordingRoom(server)
    const live = await createRoom(server)
    const edge = await createRoom(server)
    age(server, old.roomId, 8)
    age(server, recent.roomId, 6)
    age(server, live.roomId, 30)
    age(server, edge.roomId, 8)
    await server.interview.record(edge.roomId, TimelineEventType.NoteWritten, { noteId: 1, shapeId: null })
    database(server)
      .prepare('UPDATE events SET ts = ? WHERE room_id = ?')
      .run(Date.now() - DAY_MS, edge.roomId)
    const presence = ctx.presence(server, {
      roomId: live.roomId,
      token: live.tokens.observer,
      name: 'Oli',
      userId: 'oli',
    })
    await withTimeout(new Promise<void>((resolve) => presence.on('connect', () => resolve())), 'socket.io to connect')
    age(server, live.roomId, 30) // the join was just logged

    expect(await server.lifecycle.sweep()).toEqual([old.roomId])
    expect(await server.rooms.get(old.roomId)).toBeNull()
    expect(Object.values(rowsOf(server, old.roomId)).every((n) => n === 0)).toBe(true)
    expect(existsSync(join(server.dataDir, RECORDINGS_DIR, old.roomId))).toBe(false)
    for (const kept of [recent.roomId, live.roomId, edge.roomId]) expect(await server.rooms.get(kept)).not.toBeNull()
  })

  it('sweeps at start, and keeps everything when RETENTION_DAYS is 0', async () => {
    const first = await ctx.server()
    const a = await createRoom(first)
    const b = await createRoom(first)
    age(first, a.roomId, 40)
    expect(await first.lifecycle.sweep()).toEqual([])
    expect(await first.rooms.get(a.roomId)).not.toBeNull()
    await first.close()

    const second = await ctx.server({ dataDir: first.dataDir, retentionDays: 30 })
    expect(await second.rooms.get(a.roomId)).toBeNull()
    expect(await second.rooms.get(b.roomId)).not.toBeNull()
  })
})

describe('RETENTION_DAYS', () => {
  it('defaults to 0 and takes a whole number of days', () => {
    expect(loadConfig({}).retentionDays).toBe(0)
    expect(loadConfig({ RETENTION_DAYS: '30' }).retentionDays).toBe(30)
    for (const bad of ['-1', '1.5', 'forever']) {
      expect(() => loadConfig({ RETENTION_DAYS: bad }), bad).toThrow(/RETENTION_DAYS/)
    }
  })
})

describe('parseRange', () => {
  it('reads single byte ranges and ignores what it does not support', () => {
    expect(parseRange(undefined, 100)).toBeNull()
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 })
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 })
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 })
    expect(parseRange('bytes=-1000', 100)).toEqual({ start: 0, end: 99 })
    expect(parseRange('bytes=50-5000', 100)).toEqual({ start: 50, end: 99 })
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable')
    expect(parseRange('bytes=-0', 100)).toBe('unsatisfiable')
    expect(parseRange('bytes=0-', 0)).toBe('unsatisfiable')
    for (const ignored of ['bytes=5-1', 'bytes=0-1,3-4', 'items=0-1', 'bytes=-', 'bytes=a-b']) {
      expect(parseRange(ignored, 100), ignored).toBeNull()
    }
  })
})

describe('recorded audio per room', () => {
  it('refuses a chunk past MAX_AUDIO_BYTES_PER_ROOM with 409, whatever track it is for, and stores nothing of it', async () => {
    const server = await ctx.server({ maxAudioBytesPerRoom: 3 * 1024 * 1024 })
    const { room, roomId } = await recordingRoom(server)
    const t0 = Date.now()
    const first = await track(server, room, 'candidate')
    await upload(server, room, Role.Candidate, first, [[0, new Uint8Array(2 * 1024 * 1024)]], t0)
    // A second track does not open a second allowance.
    const second = await track(server, room, 'candidate')
    const res = await putChunk(server, roomId, room.tokens.candidate, second, 0, new Uint8Array(2 * 1024 * 1024), {
      startedAt: t0,
      durationMs: 4000,
    })
    expect(await errorOf(res, 409)).toMatch(/at most 3145728 bytes/)
    expect((await server.recordings.audio(roomId, second))!.chunks).toEqual([])
    // What fits still does.
    await upload(
      server,
      room,
      Role.Interviewer,
      await track(server, room, 'interviewer'),
      [[0, new Uint8Array(1000)]],
      t0
    )
  })
})
