import { describe, expect, it } from 'vitest'
import { createLogger } from '../logger.ts'
import { Metrics } from '../metrics/Metrics.ts'
import { createRoom, httpBase, useTestContext, waitFor, type TestServer } from '../test/helpers.ts'
import { opsRoutes } from './opsRoutes.ts'

const ctx = useTestContext()

async function scrape(server: TestServer, headers: Record<string, string> = {}) {
  const res = await fetch(`${httpBase(server)}/metrics`, { headers })
  return { res, text: res.ok ? await res.text() : '' }
}

/** The value of one sample line, e.g. `loopboard_sockets{transport="yjs",node="n1"}`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(?:\{([^}]*)\})? (\S+)$/.exec(line)
    if (!match || match[1] !== name) continue
    const have = Object.fromEntries(
      (match[2] ?? '')
        .split(',')
        .filter(Boolean)
        .map((kv) => kv.split('='))
    )
    if (Object.entries(labels).every(([k, v]) => have[k] === JSON.stringify(v))) return Number(match[3])
  }
  return undefined
}

describe('GET /metrics', () => {
  it('serves Prometheus text with rooms, sockets, committed updates and commit latency, labelled by node', async () => {
    const server = await ctx.server({ nodeId: 'relay-a' })
    const before = await scrape(server)
    expect(before.res.status).toBe(200)
    expect(before.res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    expect(sample(before.text, 'loopboard_rooms_loaded', { node: 'relay-a' })).toBe(0)
    expect(sample(before.text, 'loopboard_sockets', { transport: 'yjs' })).toBe(0)
    expect(sample(before.text, 'loopboard_board_updates_total')).toBe(0)
    expect(before.text).toContain('# TYPE loopboard_storage_commit_seconds histogram')
    // Process metrics come along (memory, event-loop lag) under the same prefix.
    expect(before.text).toContain('loopboard_process_resident_memory_bytes')

    const room = await createRoom(server)
    const a = await ctx.syncedProvider(server, room.roomId, room.tokens.candidate)
    const b = await ctx.syncedProvider(server, room.roomId, room.tokens.interviewer)
    for (let i = 0; i < 3; i++) a.doc.getText('t').insert(0, `stroke ${i};`)
    await waitFor(
      () => b.doc.getText('t').length > 0 && b.doc.getText('t').toString().split(';').length === 4,
      'updates to arrive'
    )

    const after = await scrape(server)
    expect(sample(after.text, 'loopboard_rooms_loaded')).toBe(1)
    expect(sample(after.text, 'loopboard_sockets', { transport: 'yjs' })).toBe(2)
    expect(sample(after.text, 'loopboard_board_updates_total')).toBe(3)
    expect(sample(after.text, 'loopboard_storage_commit_seconds_count')).toBeGreaterThanOrEqual(1)
    expect(sample(after.text, 'loopboard_storage_commit_failures_total')).toBe(0)
    // The embedded storage moves its journal into SQLite within SQLITE_JOURNAL_FLUSH_MS.
    await waitFor(
      async () => (sample((await scrape(server)).text, 'loopboard_storage_journal_flush_seconds_count') ?? 0) >= 1,
      'a journal flush'
    )
    expect(sample((await scrape(server)).text, 'loopboard_storage_journal_flush_failures_total')).toBe(0)
    // No room id ever becomes a label.
    expect(after.text).not.toContain(room.roomId)
  })

  it('counts socket.io connections', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    const socket = ctx.presence(server, {
      roomId: room.roomId,
      token: room.tokens.observer,
      name: 'Olive',
      userId: 'user-olive',
    })
    await waitFor(() => socket.connected, 'socket.io to connect')
    const { text } = await scrape(server)
    expect(sample(text, 'loopboard_sockets', { transport: 'socketio' })).toBe(1)
  })

  it('needs the bearer token when METRICS_TOKEN is set', async () => {
    const token = 'scrape-secret-0123456789'
    const server = await ctx.server({ metricsToken: token })
    const attempts: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer wrong-token-0123456789' },
      { authorization: token },
    ]
    for (const headers of attempts) {
      const { res } = await scrape(server, headers)
      expect(res.status, JSON.stringify(headers)).toBe(401)
      expect(res.headers.get('www-authenticate')).toBe('Bearer')
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized')
    }
    const { res, text } = await scrape(server, { authorization: `Bearer ${token}` })
    expect(res.status).toBe(200)
    expect(text).toContain('loopboard_rooms_loaded')
  })
})

describe('GET /readyz', () => {
  it('is ready while storage answers, and not once storage is gone or shutdown began', async () => {
    const server = await ctx.server()
    const ok = await fetch(`${httpBase(server)}/readyz`)
    expect(ok.status).toBe(200)
    expect(await ok.json()).toEqual({ ok: true, checks: { storage: 'ok' } })

    server.storage.close()
    const down = await fetch(`${httpBase(server)}/readyz`)
    expect(down.status).toBe(503)
    // Reported by name only: no error text for an unauthenticated prober.
    expect(await down.json()).toEqual({ ok: false, checks: { storage: 'unavailable' } })
    // Liveness is a different question: the process still answers.
    expect((await fetch(`${httpBase(server)}/healthz`)).status).toBe(200)
  })

  it('says not ready while draining, and when a check hangs', async () => {
    let draining = false
    const app = opsRoutes({
      metrics: new Metrics('n'),
      metricsToken: undefined,
      readiness: [
        { name: 'storage', check: () => undefined },
        { name: 'bus', check: () => new Promise<void>(() => {}) },
      ],
      draining: () => draining,
      logger: createLogger('silent'),
    })
    const hung = await app.request('/readyz')
    expect(hung.status).toBe(503)
    expect(await hung.json()).toEqual({ ok: false, checks: { storage: 'ok', bus: 'unavailable' } })
    draining = true
    const res = await app.request('/readyz')
    expect(res.status).toBe(503)
    expect(await res.json()).toEqual({ ok: false, checks: { server: 'shutting down' } })
  })

  it('with scope=routing, checks only what the proxy must route around (a Redis outage is not one)', async () => {
    let redisUp = false
    let storageUp = true
    const app = opsRoutes({
      metrics: new Metrics('n'),
      metricsToken: undefined,
      readiness: [
        {
          name: 'postgres',
          check: () => {
            if (!storageUp) throw new Error('down')
          },
        },
        {
          name: 'redis',
          routing: false,
          check: () => {
            if (!redisUp) throw new Error('down')
          },
        },
      ],
      draining: () => false,
      logger: createLogger('silent'),
    })
    const full = await app.request('/readyz')
    expect(full.status).toBe(503)
    expect(await full.json()).toEqual({ ok: false, checks: { postgres: 'ok', redis: 'unavailable' } })
    const routing = await app.request('/readyz?scope=routing')
    expect(routing.status).toBe(200)
    expect(await routing.json()).toEqual({ ok: true, checks: { postgres: 'ok' } })
    storageUp = false
    expect((await app.request('/readyz?scope=routing')).status).toBe(503)
    redisUp = true
    storageUp = true
    expect((await app.request('/readyz')).status).toBe(200)
    expect((await app.request('/readyz?scope=everything')).status).toBe(400)
  })
})
