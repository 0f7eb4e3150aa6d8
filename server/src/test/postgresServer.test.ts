import type { CreateRoomResponse } from '@loopboard/protocol'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type * as Y from 'yjs'
import { docContent, docFromPostgres } from './clusterClients.ts'
import { docUntil, useTestContext, waitFor, withTimeout } from './helpers.ts'
import { startPostgres, type PostgresCluster } from './postgresFixture.ts'
import { spawnServer, type ServerProcess } from './serverProcess.ts'
import { missingService, postgresBinDir } from './serviceBinaries.ts'

const skip = postgresBinDir() ? null : missingService('Postgres', 'apt-get install postgresql, or set POSTGRES_BIN_DIR')

const ctx = useTestContext()

/** A cold start (migrations included) of a relay on a loaded 2-core machine. */
const START_TIMEOUT_MS = 30_000

let cluster: PostgresCluster | null = null
beforeAll(async () => {
  if (!skip) cluster = await startPostgres()
}, 90_000)
afterAll(async () => {
  await cluster?.stop()
})

const records = (doc: Y.Doc) => doc.getMap<Record<string, unknown>>('records')

/** A relay on `databaseUrl`, with a data directory of its own (empty: nothing may come from it). */
const relay = (databaseUrl: string, env: Record<string, string> = {}) =>
  spawnServer(ctx, ctx.tempDir(), { DATABASE_URL: databaseUrl, ...env }, { readyTimeoutMs: START_TIMEOUT_MS })

async function createRoom(server: ServerProcess): Promise<CreateRoomResponse> {
  const res = await fetch(`${server.httpBase}/api/rooms`, { method: 'POST', body: '{"title":"On Postgres"}' })
  expect(res.status).toBe(201)
  return (await res.json()) as CreateRoomResponse
}

async function count(databaseUrl: string, sql: string, roomId: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const { rows } = await client.query<{ n: string }>(sql, [roomId])
    return Number(rows[0]!.n)
  } finally {
    await client.end()
  }
}

describe.skipIf(skip)('the server on Postgres (DATABASE_URL)', () => {
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    it(`keeps the board in Postgres: drawn, the server stopped with ${signal}, a fresh one serves it`, async () => {
      const url = await cluster!.createDatabase()
      const first = await relay(url)
      const room = await createRoom(first)
      const writer = ctx.provider(first.wsBase, room.roomId, room.tokens.candidate)
      await withTimeout(
        new Promise<void>((resolve) => writer.provider.once('sync', () => resolve())),
        'the writer to sync'
      )
      for (let i = 0; i < 12; i++) records(writer.doc).set(`shape:${i}`, { type: 'geo', x: i, y: 2 * i })
      writer.doc.getText('notes').insert(0, 'stored in postgres')
      // What another client was sent is committed: once it has everything, so has Postgres.
      const watcher = ctx.provider(first.wsBase, room.roomId, room.tokens.interviewer)
      await docUntil(watcher.doc, (d) => records(d).size === 12 && d.getText('notes').length > 0, 'the watcher')
      await waitFor(
        async () => (await count(url, 'SELECT COUNT(*) AS n FROM room_updates WHERE room_id = $1', room.roomId)) === 13,
        'the 13 updates in Postgres'
      )
      const expected = docContent(writer.doc)
      writer.provider.destroy()
      watcher.provider.destroy()

      await first.stop(signal)
      // Storage-allocated seqs: the room's counter is where its log ends.
      expect(await count(url, 'SELECT last_seq AS n FROM rooms WHERE id = $1', room.roomId)).toBe(13)
      expect(docContent(await docFromPostgres(url, room.roomId))).toEqual(expected)

      const second = await relay(url)
      const session = await fetch(`${second.httpBase}/api/rooms/${room.roomId}/session`, {
        headers: { authorization: `Bearer ${room.tokens.observer}` },
      })
      expect(session.status).toBe(200)
      expect(await session.json()).toMatchObject({ title: 'On Postgres', role: 'observer' })
      const fresh = ctx.provider(second.wsBase, room.roomId, room.tokens.observer)
      await docUntil(fresh.doc, (d) => records(d).size === 12, 'the board on the fresh server')
      expect(docContent(fresh.doc)).toEqual(expected)
      expect(fresh.doc.getText('notes').toString()).toBe('stored in postgres')
      // And it keeps numbering where the log ended.
      const again = ctx.provider(second.wsBase, room.roomId, room.tokens.candidate)
      await docUntil(again.doc, (d) => records(d).size === 12, 'the writer back')
      records(again.doc).set('shape:late', { type: 'geo', x: 0, y: 0 })
      await waitFor(
        async () => (await count(url, 'SELECT MAX(seq) AS n FROM room_updates WHERE room_id = $1', room.roomId)) === 14,
        'the next update as seq 14'
      )
      await second.stop()
    })
  }

  it('reports not ready while Postgres is down, and ready again once it is back', async () => {
    const own = await startPostgres()
    ctx.onCleanup(() => own.stop())
    const url = await own.createDatabase()
    const server = await relay(url)
    const ready = async () => {
      const res = await fetch(`${server.httpBase}/readyz`)
      return { status: res.status, body: (await res.json()) as { checks: Record<string, string> } }
    }
    expect(await ready()).toMatchObject({ status: 200, body: { checks: { postgres: 'ok' } } })
    await own.stopImmediately()
    await waitFor(async () => (await ready()).status === 503, '/readyz to say not ready')
    expect((await ready()).body.checks.postgres).toBe('unavailable')
    // The process itself stays up, and so does the pool: once Postgres is back, so is the relay.
    expect((await fetch(`${server.httpBase}/healthz`)).status).toBe(200)
    await own.restart()
    await waitFor(async () => (await ready()).status === 200, '/readyz to say ready again', 30_000)
  })

  it('refuses to start with a DATABASE_URL that is not a postgres:// URL', async () => {
    await expect(
      spawnServer(ctx, ctx.tempDir(), { DATABASE_URL: 'mysql://localhost/loopboard' }, { readyTimeoutMs: 10_000 })
    ).rejects.toThrow(/DATABASE_URL: a postgres:\/\/ or postgresql:\/\/ URL/)
  })
})
