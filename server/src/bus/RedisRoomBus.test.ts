import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../logger.ts'
import { waitFor } from '../test/helpers.ts'
import { startRedis, type RedisServer } from '../test/redisFixture.ts'
import { missingService, redisServerBin } from '../test/serviceBinaries.ts'
import { BusEntryKind, RedisRoomBus, type BusEntry, type BusGap } from './RedisRoomBus.ts'

const skip = redisServerBin()
  ? null
  : missingService('redis-server', 'apt-get install redis-server, or set REDIS_SERVER_BIN')

/** A reconnect after `kill -9` and restart, on a loaded 2-core machine. */
const RECOVERY_TIMEOUT_MS = 15_000

let redis: RedisServer | null = null
beforeAll(async () => {
  if (!skip) redis = await startRedis()
}, 30_000)
afterAll(async () => {
  await redis?.stop()
})

const buses: RedisRoomBus[] = []
afterEach(async () => {
  for (const bus of buses.splice(0)) await bus.close()
})

async function node(nodeId: string, retryMs = 100) {
  const bus = await RedisRoomBus.connect({
    url: redis!.url,
    nodeId,
    logger: createLogger('silent'),
    retryMs,
    blockMs: 1_000,
  })
  buses.push(bus)
  return bus
}

function recorder() {
  const entries: BusEntry[] = []
  const gaps: BusGap[] = []
  return { entries, gaps, handler: { onEntry: (e: BusEntry) => entries.push(e), onGap: (g: BusGap) => gaps.push(g) } }
}

const bytes = (...values: number[]) => new Uint8Array(values)
let roomCounter = 0
const newRoom = () => `room-${process.pid}-${++roomCounter}`

describe.skipIf(skip)('RedisRoomBus against a real Redis', () => {
  it('carries updates, awareness and events between nodes, in order, without echoing a node its own', async () => {
    const [a, b] = [await node('a'), await node('b')]
    const room = newRoom()
    const atA = recorder()
    const atB = recorder()
    await a.subscribe(room, 0, atA.handler)
    await b.subscribe(room, 0, atB.handler)
    await a.publish(room, { kind: BusEntryKind.Update, seq: 1, payload: bytes(1) })
    await a.publish(room, { kind: BusEntryKind.Awareness, seq: 1, payload: bytes(0xaa) })
    await b.publish(room, { kind: BusEntryKind.Update, seq: 2, payload: bytes(2, 0, 255) })
    await a.publish(room, { kind: BusEntryKind.Event, seq: 2, payload: new TextEncoder().encode('{"type":"phase"}') })
    await waitFor(() => atB.entries.length === 3 && atA.entries.length === 1, 'entries to arrive')
    expect(atB.entries.map((e) => [e.kind, e.seq, e.origin, [...e.payload]])).toEqual([
      ['update', 1, 'a', [1]],
      ['awareness', 1, 'a', [0xaa]],
      ['event', 2, 'a', [...new TextEncoder().encode('{"type":"phase"}')]],
    ])
    expect(atA.entries.map((e) => [e.kind, e.seq, e.origin, [...e.payload]])).toEqual([['update', 2, 'b', [2, 0, 255]]])
    expect([...atA.gaps, ...atB.gaps]).toEqual([])
  })

  it('keeps rooms apart, and picks up a room subscribed while a read is blocked', async () => {
    const [a, b] = [await node('a'), await node('b')]
    const [r1, r2] = [newRoom(), newRoom()]
    const one = recorder()
    await b.subscribe(r1, 0, one.handler)
    // b is now blocked in XREAD on r1 only; r2 must be read without waiting for that to end.
    await new Promise((r) => setTimeout(r, 50))
    const two = recorder()
    await b.subscribe(r2, 0, two.handler)
    await a.publish(r2, { kind: BusEntryKind.Update, seq: 1, payload: bytes(2) })
    await a.publish(r1, { kind: BusEntryKind.Update, seq: 1, payload: bytes(1) })
    await waitFor(() => one.entries.length === 1 && two.entries.length === 1, 'both rooms to deliver')
    expect(one.entries[0]!.payload).toEqual(bytes(1))
    expect(two.entries[0]!.payload).toEqual(bytes(2))
  })

  it('skips what the subscriber already has and reports the seqs it missed before delivering', async () => {
    const [a, b] = [await node('a'), await node('b')]
    const room = newRoom()
    const seen = recorder()
    // b loaded the room from storage up to seq 3.
    await b.subscribe(room, 3, seen.handler)
    await a.publish(room, { kind: BusEntryKind.Update, seq: 3, payload: bytes(3) })
    await a.publish(room, { kind: BusEntryKind.Update, seq: 4, payload: bytes(4) })
    // 5 and 6 never made it to Redis.
    await a.publish(room, { kind: BusEntryKind.Update, seq: 7, payload: bytes(7) })
    // An awareness entry saying a's log reached 9 reveals 8 and 9 as well.
    await a.publish(room, { kind: BusEntryKind.Awareness, seq: 9, payload: bytes(0) })
    await waitFor(() => seen.entries.length === 3, 'entries to arrive')
    expect(seen.entries.map((e) => [e.kind, e.seq])).toEqual([
      ['update', 4],
      ['update', 7],
      ['awareness', 9],
    ])
    expect(seen.gaps).toEqual([
      { roomId: room, afterSeq: 4, throughSeq: 6, reason: 'missing' },
      { roomId: room, afterSeq: 7, throughSeq: 9, reason: 'missing' },
    ])
  })

  it('reports entries trimmed away while a subscriber was behind as a gap', async () => {
    const a = await RedisRoomBus.connect({
      url: redis!.url,
      nodeId: 'a',
      logger: createLogger('silent'),
      maxLenPerRoom: 10,
    })
    buses.push(a)
    const b = await node('b')
    const room = newRoom()
    const seen = recorder()
    await b.subscribe(room, 0, seen.handler)
    // Publish far more than MAXLEN at once; b reads in batches and some are trimmed before it.
    await Promise.all(
      Array.from({ length: 2_000 }, (_, i) =>
        a.publish(room, { kind: BusEntryKind.Update, seq: i + 1, payload: bytes(1) })
      )
    )
    await waitFor(() => seen.entries.at(-1)?.seq === 2_000, 'the last entry to arrive')
    // 2 000 entries against a stream capped near 10: the reader cannot have seen them all.
    expect(seen.gaps.length).toBeGreaterThan(0)
    const seqs = seen.entries.map((e) => e.seq)
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y))
    // Whatever b missed is exactly covered by the gaps it was told about.
    const covered = new Set(seen.entries.map((e) => e.seq))
    for (const gap of seen.gaps) for (let seq = gap.afterSeq + 1; seq <= gap.throughSeq!; seq++) covered.add(seq)
    expect(covered.size).toBe(2_000)
  })

  it('isolates a subscriber that throws: the room and the others keep receiving', async () => {
    const [a, b] = [await node('a'), await node('b')]
    const [r1, r2] = [newRoom(), newRoom()]
    const good = recorder()
    let calls = 0
    await b.subscribe(r1, 0, {
      onEntry: () => {
        calls++
        throw new Error('subscriber bug')
      },
      onGap: () => {},
    })
    await b.subscribe(r2, 0, good.handler)
    await a.publish(r1, { kind: BusEntryKind.Update, seq: 1, payload: bytes(1) })
    await a.publish(r1, { kind: BusEntryKind.Update, seq: 2, payload: bytes(2) })
    await a.publish(r2, { kind: BusEntryKind.Update, seq: 1, payload: bytes(3) })
    await waitFor(() => calls === 2 && good.entries.length === 1, 'delivery to go on')
  })

  it('fails a publish at once while Redis is down; after kill -9 and an empty restart it reconnects and reports the gap', async () => {
    const [a, b] = [await node('a'), await node('b')]
    const room = newRoom()
    const seen = recorder()
    await b.subscribe(room, 0, seen.handler)
    await a.publish(room, { kind: BusEntryKind.Update, seq: 1, payload: bytes(1) })
    await waitFor(() => seen.entries.length === 1, 'the first entry')

    await redis!.kill()
    // Seq 2 is committed to storage by a's relay but cannot be fanned out: the publish says so.
    await expect(a.publish(room, { kind: BusEntryKind.Update, seq: 2, payload: bytes(2) })).rejects.toThrow()
    await expect(b.ping()).rejects.toThrow()

    await redis!.restart()
    // b's reader comes back and tells the room to read its log past what it had.
    await waitFor(() => seen.gaps.length === 1, 'the reconnect to be reported', RECOVERY_TIMEOUT_MS)
    expect(seen.gaps[0]).toEqual({ roomId: room, afterSeq: 1, throughSeq: null, reason: 'reconnected' })

    // Delivery resumes on the new, empty Redis, and the skipped seq shows as a gap too.
    // a's connection may still be reconnecting: publish until it goes through.
    const deadline = Date.now() + RECOVERY_TIMEOUT_MS
    while (
      !(await a.publish(room, { kind: BusEntryKind.Update, seq: 3, payload: bytes(3) }).then(
        () => true,
        () => false
      ))
    ) {
      if (Date.now() > deadline) throw new Error('publishing never resumed')
      await new Promise((r) => setTimeout(r, 50))
    }
    await waitFor(() => seen.entries.length === 2, 'delivery to resume', RECOVERY_TIMEOUT_MS)
    expect(seen.entries[1]).toMatchObject({ kind: 'update', seq: 3, origin: 'a' })
    // The reader may have come back more than once while Redis restarted (each return is reported,
    // and asks for the same re-read); the seq skipped while it was down shows as its own gap.
    expect(seen.gaps).toContainEqual({ roomId: room, afterSeq: 1, throughSeq: 2, reason: 'missing' })
    for (const gap of seen.gaps.filter((g) => g.reason !== 'missing')) {
      expect(gap).toEqual({ roomId: room, afterSeq: 1, throughSeq: null, reason: 'reconnected' })
    }
    await b.ping()
  })
})
