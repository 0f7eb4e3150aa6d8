import { randomBytes, randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { join as joinPath } from 'node:path'
import {
  CreateRoomResponseSchema,
  PROTOCOL_VERSION,
  RecordingEvent,
  TAB_SECRET_HEADER,
  type CommandAck,
  type RecordingState,
} from '@loopboard/protocol'
import pg from 'pg'
import { io, type Socket } from 'socket.io-client'
import { describe, expect, it } from 'vitest'
import { RECORDINGS_DIR } from '../storage/openBackend.ts'
import { newTabSecret, useTestContext, waitFor, withTimeout } from './helpers.ts'
import { startPostgres } from './postgresFixture.ts'
import { spawnServer, type ServerProcess } from './serverProcess.ts'
import { missingService, postgresBinDir } from './serviceBinaries.ts'

// Two relay processes on one Postgres: a recording's chunks uploaded through either relay are
// kept in Postgres, so any relay serves the whole track, and deleting the room through either
// removes them. Neither relay's data directory holds any audio.
const skip = postgresBinDir() ? null : missingService('Postgres', 'apt-get install postgresql, or set POSTGRES_BIN_DIR')
const ctx = useTestContext()
const MIME = 'audio/webm;codecs=opus'

describe.skipIf(skip)('recordings on two relays sharing Postgres', () => {
  it('stores chunks uploaded through either relay in Postgres; the other serves the track and deletes it', async () => {
    const postgres = await startPostgres()
    ctx.onCleanup(() => postgres.stop())
    const databaseUrl = await postgres.createDatabase()
    const relays: ServerProcess[] = []
    const dataDirs: string[] = []
    for (const name of ['relay-a', 'relay-b']) {
      dataDirs.push(ctx.tempDir())
      relays.push(
        await spawnServer(
          ctx,
          dataDirs.at(-1)!,
          { DATABASE_URL: databaseUrl, NODE_ID: name },
          { readyTimeoutMs: 60_000 }
        )
      )
    }
    const [a, b] = relays as [ServerProcess, ServerProcess]
    const created = await fetch(`${a.httpBase}/api/rooms`, { method: 'POST', body: '{}' })
    const room = CreateRoomResponseSchema.parse(await created.json())

    // The interviewer starts recording on relay A; the candidate consents on relay B.
    const camTab = newTabSecret()
    const join = async (relay: ServerProcess, token: string, name: string, tab: string) => {
      const states: RecordingState[] = []
      const socket: Socket = io(relay.httpBase, {
        auth: { protocolVersion: PROTOCOL_VERSION, roomId: room.roomId, token, name, tab },
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      })
      ctx.onCleanup(() => void socket.disconnect())
      socket.on(RecordingEvent.State, (state: RecordingState) => states.push(state))
      await waitFor(() => states.length > 0, `${name} to get the recording state`, 30_000)
      const send = (event: string, payload: unknown = {}) =>
        withTimeout(socket.emitWithAck(event, payload) as Promise<CommandAck>, `${name}: ${event}`, 30_000)
      return { send }
    }
    const ivy = await join(a, room.tokens.interviewer, 'Ivy', newTabSecret())
    const cam = await join(b, room.tokens.candidate, 'Cam', camTab)
    expect(await ivy.send(RecordingEvent.Start)).toEqual({ ok: true })
    expect(await cam.send(RecordingEvent.Consent, { consent: true })).toEqual({ ok: true })

    const asCam = { authorization: `Bearer ${room.tokens.candidate}`, [TAB_SECRET_HEADER]: camTab }
    const trackId = randomUUID()
    const announced = await fetch(`${a.httpBase}/api/rooms/${room.roomId}/recordings`, {
      method: 'POST',
      headers: { ...asCam, 'content-type': 'application/json' },
      body: JSON.stringify({ trackId, name: 'Cam', mimeType: MIME }),
    })
    expect(announced.status, await announced.clone().text()).toBe(201)
    // Three chunks, alternately through each relay (the last one 300 KB).
    const chunks = [randomBytes(1_000), randomBytes(50_000), randomBytes(300_000)]
    const t0 = Date.now()
    for (const [seq, bytes] of chunks.entries()) {
      const relay = seq % 2 === 0 ? a : b
      const res = await fetch(`${relay.httpBase}/api/rooms/${room.roomId}/recordings/${trackId}/chunks/${seq}`, {
        method: 'PUT',
        headers: {
          ...asCam,
          'content-type': MIME,
          'x-chunk-started-at': String(t0 + seq * 4000),
          'x-chunk-duration-ms': '4000',
        },
        body: new Uint8Array(bytes),
      })
      expect(res.status, await res.clone().text()).toBe(201)
    }
    // The same chunk again through the other relay: recognised, not stored twice.
    const again = await fetch(`${b.httpBase}/api/rooms/${room.roomId}/recordings/${trackId}/chunks/0`, {
      method: 'PUT',
      headers: { ...asCam, 'content-type': MIME, 'x-chunk-started-at': String(t0), 'x-chunk-duration-ms': '4000' },
      body: new Uint8Array(chunks[0]!),
    })
    expect(again.status).toBe(200)

    // Either relay serves the whole track, and any range of it.
    const whole = Buffer.concat(chunks)
    for (const relay of [a, b]) {
      const audio = await fetch(`${relay.httpBase}/api/rooms/${room.roomId}/recordings/${trackId}/audio`, {
        headers: { authorization: `Bearer ${room.tokens.interviewer}` },
      })
      expect(audio.status).toBe(200)
      expect(Buffer.from(await audio.arrayBuffer()).equals(whole)).toBe(true)
    }
    const range = await fetch(`${b.httpBase}/api/rooms/${room.roomId}/recordings/${trackId}/audio`, {
      headers: { authorization: `Bearer ${room.tokens.interviewer}`, range: 'bytes=40000-60999' },
    })
    expect(range.status).toBe(206)
    expect(Buffer.from(await range.arrayBuffer()).equals(whole.subarray(40_000, 61_000))).toBe(true)

    // The bytes are in Postgres.
    const db = new pg.Client({ connectionString: databaseUrl })
    await db.connect()
    ctx.onCleanup(() => db.end())
    const stored = await db.query<{ seq: number; size: number }>(
      'SELECT seq, octet_length(data) AS size FROM audio_chunks WHERE room_id = $1 ORDER BY seq',
      [room.roomId]
    )
    expect(stored.rows).toEqual(chunks.map((c, seq) => ({ seq, size: c.byteLength })))
    for (const dir of dataDirs) expect(existsSync(joinPath(dir, RECORDINGS_DIR))).toBe(false)

    // Deleted through relay B: gone for relay A too.
    const deleted = await fetch(`${b.httpBase}/api/rooms/${room.roomId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${room.tokens.interviewer}` },
    })
    expect(deleted.status).toBe(204)
    expect((await db.query('SELECT 1 FROM audio_chunks WHERE room_id = $1', [room.roomId])).rowCount).toBe(0)
    const after = await fetch(`${a.httpBase}/api/rooms/${room.roomId}/recordings/${trackId}/audio`, {
      headers: { authorization: `Bearer ${room.tokens.interviewer}` },
    })
    expect(after.status).toBe(404)
  }, 120_000)
})
