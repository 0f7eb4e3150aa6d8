import { randomBytes } from 'node:crypto'
import { get } from 'node:http'
import { ROUTING_ROOM_PARAM } from '@loopboard/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clusterUnavailable, startCluster, type Cluster } from './clusterFixture.ts'
import { TestContext } from './helpers.ts'

// HAProxy in front of three relays, with the configuration `npm run cluster` uses: a room's /yjs
// and socket.io go to one relay while it is up, and to another when it is not.
const unavailable = clusterUnavailable()
const RELAY_HEADER = 'x-loopboard-relay'
/** Waiting for health checks and restarts on a busy machine. */
const SLOW_MS = 90_000

const newRoomId = () => randomBytes(12).toString('base64url')

describe.skipIf(unavailable)('routing through HAProxy', () => {
  const ctx = new TestContext()
  let cluster: Cluster
  beforeAll(async () => {
    cluster = await startCluster(ctx, { relays: 3 })
  }, 180_000)
  afterAll(() => ctx.cleanup(), 60_000)

  /** The relay HAProxy hands a request of `roomId` on `path` to (whatever the relay answers). */
  async function relayOf(roomId: string, path: 'yjs' | 'socket.io'): Promise<string> {
    const url =
      path === 'yjs'
        ? `${cluster.url}/yjs/${roomId}?${ROUTING_ROOM_PARAM}=${roomId}`
        : `${cluster.url}/socket.io/?EIO=4&transport=polling&${ROUTING_ROOM_PARAM}=${roomId}`
    // A new connection each time, as a browser's retry would take: HAProxy closes a kept-alive
    // client connection without an answer when the idle relay connection it reused for the request
    // turns out dead (a relay just killed), which a browser retries and fetch() reports as failed.
    const { status, relay } = await new Promise<{ status: number; relay: string | undefined }>((resolve, reject) => {
      const req = get(url, { agent: false }, (res) => {
        res.resume()
        res.on('end', () => resolve({ status: res.statusCode ?? 0, relay: res.headers[RELAY_HEADER] as string }))
        res.on('error', reject)
      })
      req.on('error', reject)
    })
    if (!relay) throw new Error(`${url} answered ${status} without ${RELAY_HEADER} (HAProxy itself answered)`)
    return relay
  }

  it(
    'sends /yjs and socket.io of one room to one relay, and spreads rooms over all relays',
    async () => {
      const rooms = Array.from({ length: 60 }, newRoomId)
      const placed = new Map<string, string>()
      for (const room of rooms) {
        const relay = await relayOf(room, 'yjs')
        placed.set(room, relay)
        expect(await relayOf(room, 'yjs')).toBe(relay)
        expect(await relayOf(room, 'socket.io')).toBe(relay)
      }
      const perRelay = new Map<string, number>()
      for (const relay of placed.values()) perRelay.set(relay, (perRelay.get(relay) ?? 0) + 1)
      expect([...perRelay.keys()].sort()).toEqual(cluster.relays.map((r) => r.name).sort())
    },
    SLOW_MS
  )

  it(
    're-dispatches a room whose relay was killed at once, moves only that relay’s rooms, and moves them back when it returns',
    async () => {
      const rooms = Array.from({ length: 60 }, newRoomId)
      const before = new Map<string, string>()
      for (const room of rooms) before.set(room, await relayOf(room, 'yjs'))
      const victim = cluster.relays[1]!
      const itsRooms = rooms.filter((room) => before.get(room) === victim.name)
      expect(itsRooms.length).toBeGreaterThan(0)

      await victim.kill()
      // Right away, before the health checks have noticed: the refused connection is retried on
      // another relay (option redispatch), so the client gets an answer, not a 503.
      for (const room of itsRooms.slice(0, 3)) expect(await relayOf(room, 'yjs')).not.toBe(victim.name)

      await cluster.waitForRelayState(victim.name, 'DOWN')
      for (const room of rooms) {
        const now = await relayOf(room, 'yjs')
        if (before.get(room) === victim.name) expect(now).not.toBe(victim.name)
        // Consistent hashing: rooms of the relays still up stay where they were.
        else expect(now).toBe(before.get(room))
        expect(await relayOf(room, 'socket.io')).toBe(now)
      }

      await victim.start()
      await cluster.waitForRelayState(victim.name, 'UP')
      for (const room of rooms) expect(await relayOf(room, 'yjs')).toBe(before.get(room))
    },
    SLOW_MS
  )

  it(
    'takes a relay stopped gracefully out of rotation; new rooms go to the others until it is back',
    async () => {
      const relay = cluster.relays[2]!
      await relay.stop()
      await cluster.waitForRelayState(relay.name, 'DOWN')
      const states = await cluster.relayStates()
      expect(states[relay.name]).toBe('DOWN')
      for (const other of cluster.relays.filter((r) => r !== relay)) expect(states[other.name]).toBe('UP')
      for (let i = 0; i < 20; i++) expect(await relayOf(newRoomId(), 'yjs')).not.toBe(relay.name)
      await relay.start()
      await cluster.waitForRelayState(relay.name, 'UP')
    },
    SLOW_MS
  )
})
