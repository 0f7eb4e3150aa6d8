import type { CreateRoomResponse } from '@loopboard/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type * as Y from 'yjs'
import { docContent, docFromPostgres } from './clusterClients.ts'
import { docUntil, synced, useTestContext, waitFor, type ProviderHandle } from './helpers.ts'
import { startPostgres, type PostgresCluster } from './postgresFixture.ts'
import { startRedis, type RedisServer } from './redisFixture.ts'
import { spawnServer, type ServerProcess } from './serverProcess.ts'
import { missingService, postgresBinDir, redisServerBin } from './serviceBinaries.ts'

const skip =
  (postgresBinDir() ? null : missingService('Postgres', 'apt-get install postgresql, or set POSTGRES_BIN_DIR')) ??
  (redisServerBin() ? null : missingService('redis-server', 'apt-get install redis-server, or set REDIS_SERVER_BIN'))

const ctx = useTestContext()

/** Cross-relay delivery on a loaded 2-core machine: generous, the test waits on conditions. */
const DELIVERY_TIMEOUT_MS = 10_000
/** Redis restarted empty: the relays reconnect (retrying every 200 ms) and read what they missed. */
const RECOVERY_TIMEOUT_MS = 15_000
/**
 * A dead relay's cursors go after 15 s of silence, checked every 5 s (so by 20 s), plus slack for
 * a busy machine — short of the 30 s after which y-protocols itself drops a state not renewed.
 */
const DEAD_NODE_AWARENESS_MS = 27_000

let postgres: PostgresCluster | null = null
beforeAll(async () => {
  if (!skip) postgres = await startPostgres()
}, 90_000)
afterAll(async () => {
  await postgres?.stop()
})

const records = (doc: Y.Doc) => doc.getMap<Record<string, unknown>>('records')

/** Two relay processes on one Postgres database and one Redis, and a room created on the first. */
async function twoRelays() {
  const redis: RedisServer = await startRedis()
  ctx.onCleanup(() => redis.stop())
  const databaseUrl = await postgres!.createDatabase()
  const relay = (nodeId: string) =>
    spawnServer(
      ctx,
      ctx.tempDir(),
      { DATABASE_URL: databaseUrl, REDIS_URL: redis.url, NODE_ID: nodeId },
      { readyTimeoutMs: 30_000 }
    )
  const [a, b] = [await relay('relay-a'), await relay('relay-b')]
  await Promise.all([ready(a), ready(b)])
  const res = await fetch(`${a.httpBase}/api/rooms`, { method: 'POST', body: '{"title":"Two relays"}' })
  expect(res.status).toBe(201)
  const room = (await res.json()) as CreateRoomResponse
  return { redis, databaseUrl, a, b, room }
}

async function ready(relay: ServerProcess): Promise<void> {
  await waitFor(
    async () => (await fetch(`${relay.httpBase}/readyz`).catch(() => null))?.status === 200,
    `${relay.httpBase} to be ready`,
    DELIVERY_TIMEOUT_MS
  )
}

async function client(relay: ServerProcess, roomId: string, token: string): Promise<ProviderHandle> {
  const handle = ctx.provider(relay.wsBase, roomId, token)
  await synced(handle.provider)
  return handle
}

const has = (handle: ProviderHandle, key: string, label: string, ms = DELIVERY_TIMEOUT_MS) =>
  docUntil(handle.doc, (d) => records(d).has(key), label, ms)

describe.skipIf(skip)('the board across two relays (Postgres + Redis)', () => {
  it('two clients of one room on different relays converge, also across a Redis kill -9 and an empty restart', async () => {
    const { redis, databaseUrl, a, b, room } = await twoRelays()
    const onA = await client(a, room.roomId, room.tokens.candidate)
    const onB = await client(b, room.roomId, room.tokens.interviewer)

    records(onA.doc).set('shape:a', { type: 'geo', x: 1 })
    await has(onB, 'shape:a', 'relay B’s client to get A’s shape')
    records(onB.doc).set('shape:b', { type: 'geo', x: 2 })
    await has(onA, 'shape:b', 'relay A’s client to get B’s shape')

    // Redis dies: each relay still commits its own clients' edits; nothing crosses over.
    await redis.kill()
    records(onA.doc).set('shape:a-during', { type: 'geo', x: 3 })
    records(onB.doc).set('shape:b-during', { type: 'geo', x: 4 })
    onB.doc.getText('notes').insert(0, 'written while Redis was down')
    await waitFor(
      async () => records(await docFromPostgres(databaseUrl, room.roomId)).size === 4,
      'both relays to commit while Redis is down'
    )
    // Back, empty: the relays read the seqs they missed from Postgres, and delivery resumes.
    await redis.restart()
    await has(onA, 'shape:b-during', 'A’s client to get what B committed during the outage', RECOVERY_TIMEOUT_MS)
    await has(onB, 'shape:a-during', 'B’s client to get what A committed during the outage', RECOVERY_TIMEOUT_MS)
    records(onA.doc).set('shape:after', { type: 'geo', x: 5 })
    await has(onB, 'shape:after', 'delivery across relays after the restart', RECOVERY_TIMEOUT_MS)

    expect(docContent(onA.doc)).toEqual(docContent(onB.doc))
    expect(onA.doc.getText('notes').toString()).toBe('written while Redis was down')
    const stored = await docFromPostgres(databaseUrl, room.roomId)
    expect(docContent(stored)).toEqual(docContent(onA.doc))
    expect(stored.getText('notes').toString()).toBe('written while Redis was down')

    // Both ways are on /metrics: updates delivered through Redis, and the ones read back from Postgres.
    const metric = async (relay: ServerProcess, name: string) => {
      const text = await (await fetch(`${relay.httpBase}/metrics`)).text()
      const line = text.split('\n').find((l) => l.startsWith(name))
      return line ? Number(line.split(' ').at(-1)) : 0
    }
    for (const relay of [a, b]) {
      expect(await metric(relay, 'loopboard_fanout_lag_seconds_count')).toBeGreaterThan(0)
      expect(await metric(relay, 'loopboard_fanout_gap_updates_total')).toBeGreaterThan(0)
    }
  })

  it('shows a client’s cursor on the other relay, and drops it once its relay is killed', async () => {
    const { a, b, room } = await twoRelays()
    const onA = await client(a, room.roomId, room.tokens.candidate)
    const onB = await client(b, room.roomId, room.tokens.interviewer)
    const cara = onA.provider.awareness.clientID
    onA.provider.awareness.setLocalStateField('user', { name: 'Cara', color: '#aa3366' })
    await waitFor(
      () => (onB.provider.awareness.getStates().get(cara)?.user as { name?: string } | undefined)?.name === 'Cara',
      'B’s client to see Cara’s presence',
      DELIVERY_TIMEOUT_MS
    )
    // The role is the one relay A vouched for.
    expect(onB.provider.awareness.getStates().get(cara)).toMatchObject({ role: 'candidate' })
    // Relay A dies without a word: nobody removes Cara's state but the silence of her relay.
    await a.stop('SIGKILL')
    await waitFor(
      () => !onB.provider.awareness.getStates().has(cara),
      'Cara’s presence to leave once relay A is gone',
      DEAD_NODE_AWARENESS_MS
    )
  }, 60_000)

  it('closes the /yjs sockets on every relay when a link is replaced or the room is deleted through another', async () => {
    const { a, b, room } = await twoRelays()
    const candidateOnB = await client(b, room.roomId, room.tokens.candidate)
    const observerOnB = await client(b, room.roomId, room.tokens.observer)
    const asInterviewer = { authorization: `Bearer ${room.tokens.interviewer}` }
    // The candidate's link is replaced through relay A: B's candidate socket is closed and its old
    // token refused from then on; the observer reconnects as before.
    const replaced = await fetch(`${a.httpBase}/api/rooms/${room.roomId}/links/candidate/replace`, {
      method: 'POST',
      headers: asInterviewer,
    })
    expect(replaced.status).toBe(200)
    await waitFor(
      () => candidateOnB.closes.some((c) => c.code === 1001),
      'B’s candidate socket to be closed',
      DELIVERY_TIMEOUT_MS
    )
    // The observer was closed too (sockets do not record their link) and is back once synced again.
    await waitFor(
      () =>
        observerOnB.closes.some((c) => c.code === 1001) &&
        observerOnB.provider.wsconnected &&
        observerOnB.provider.synced,
      'B’s observer to be back',
      DELIVERY_TIMEOUT_MS
    )
    // Deleted through relay A: B's sockets close with 4404.
    const deleted = await fetch(`${a.httpBase}/api/rooms/${room.roomId}`, { method: 'DELETE', headers: asInterviewer })
    expect(deleted.status).toBe(204)
    await waitFor(
      () => observerOnB.closes.some((c) => c.code === 4404),
      'B’s observer socket to be closed as deleted',
      DELIVERY_TIMEOUT_MS
    )
  })
})
