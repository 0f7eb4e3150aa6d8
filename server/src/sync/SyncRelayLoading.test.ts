import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { CloseCode } from '@loopboard/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import * as Y from 'yjs'
import { testConfig } from '../config.ts'
import { createLogger } from '../logger.ts'
import { RoomService } from '../rooms/RoomService.ts'
import { asyncStorage } from '../storage/AsyncStorage.ts'
import { SqliteStorage } from '../storage/SqliteStorage.ts'
import {
  awarenessFrame,
  RawClient,
  syncStep1Frame,
  updateFrame,
  upgradeRefusal,
  waitFor,
  withTimeout,
} from '../test/helpers.ts'
import { SyncRelay } from './SyncRelay.ts'

// The relay on a storage that answers late or not at all, as a networked database can: the real
// SQLite underneath, with each load held until the test lets it through.

interface Harness {
  url: string
  relay: SyncRelay
  sqlite: SqliteStorage
  roomId: string
  token: string
  /** Let the room loads waiting so far through. */
  releaseLoads(): void
  /** Loads from now on wait until released (true) or go through (false). */
  holdLoads(hold: boolean): void
  /** Make storage refuse (`Error`) or answer (null) reads of rooms and loads. */
  failReads(error: Error | null): void
}

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function harness(): Promise<Harness> {
  const sqlite = new SqliteStorage(':memory:')
  const db = asyncStorage(sqlite)
  let hold = true
  let waiting: Array<() => void> = []
  let failure: Error | null = null
  const failing = <A extends unknown[], R>(read: (...args: A) => Promise<R>) =>
    (async (...args: A) => {
      if (failure) throw failure
      return read(...args)
    }) as (...args: A) => Promise<R>
  const storage = {
    createRoom: db.createRoom,
    getRoom: failing(db.getRoom),
    findSeat: db.findSeat,
    replaceTokenHash: db.replaceTokenHash,
    findByTokenHash: db.findByTokenHash,
    setRolesSwapped: db.setRolesSwapped,
    saveSnapshot: db.saveSnapshot,
    commitUpdates: db.commitUpdates,
    loadRoomState: async (roomId: string) => {
      if (hold) await new Promise<void>((resolve) => waiting.push(resolve))
      if (failure) throw failure
      return db.loadRoomState(roomId)
    },
  }
  const rooms = new RoomService(storage)
  const relay = new SyncRelay({ config: testConfig(), storage, rooms, logger: createLogger('silent') })
  const http: Server = createServer()
  http.on('upgrade', (req, socket, head) => {
    if (!relay.handleUpgrade(req, socket, head)) socket.destroy()
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  cleanups.push(async () => {
    hold = false
    for (const release of waiting.splice(0)) release()
    await relay.close()
    await new Promise((resolve) => http.close(resolve))
    sqlite.close()
  })
  const { room, tokens } = await rooms.create('Loading')
  const { port } = http.address() as AddressInfo
  return {
    url: `ws://127.0.0.1:${port}/yjs`,
    relay,
    sqlite,
    roomId: room.id,
    token: tokens.candidate,
    releaseLoads: () => {
      const released = waiting
      waiting = []
      for (const release of released) release()
    },
    holdLoads: (value) => (hold = value),
    failReads: (error) => (failure = error),
  }
}

async function open(h: Harness): Promise<RawClient> {
  const ws = new WebSocket(`${h.url}/${h.roomId}?token=${h.token}`)
  cleanups.push(() => ws.terminate())
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    }),
    'socket to open'
  )
  return new RawClient(ws)
}

/** One client's update setting `key` in the records map. */
function recordUpdate(key: string): Uint8Array {
  const doc = new Y.Doc()
  doc.getMap('records').set(key, { x: 1 })
  return Y.encodeStateAsUpdate(doc)
}

describe('SyncRelay while a room loads', () => {
  it('accepts the socket at once and handles its frames in arrival order once the room is loaded', async () => {
    const h = await harness()
    const raw = await open(h)
    raw.send(syncStep1Frame(new Y.Doc()))
    for (const key of ['shape:first', 'shape:second', 'shape:third']) raw.send(updateFrame(recordUpdate(key)))
    // Open, nothing answered or stored while the room loads.
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(raw.isOpen).toBe(true)
    expect(raw.messages).toEqual([])
    expect(h.sqlite.readUpdates(h.roomId)).toEqual([])

    h.releaseLoads()
    await waitFor(() => h.sqlite.readUpdates(h.roomId).length === 3, 'the queued updates to be stored')
    const stored = h.sqlite.readUpdates(h.roomId).map((u) => {
      const doc = new Y.Doc()
      Y.applyUpdate(doc, u.update)
      return [u.seq, [...doc.getMap('records').keys()]]
    })
    expect(stored).toEqual([
      [1, ['shape:first']],
      [2, ['shape:second']],
      [3, ['shape:third']],
    ])
    // Its sync step 1 was answered: joined like any socket.
    await raw.waitForMessage((f) => f.type === 'sync' && f.sub === 1, 'the answer to sync step 1')
    expect(raw.isOpen).toBe(true)
  })

  it('loads a room once for every socket that arrives while it loads', async () => {
    const h = await harness()
    const [a, b] = [await open(h), await open(h)]
    a.send(updateFrame(recordUpdate('shape:a')))
    h.releaseLoads()
    await b.waitForMessage((f) => f.type === 'sync' && f.sub === 2, 'b to be sent a’s update')
    expect(h.relay.activeRooms).toBe(1)
  })

  it('closes a socket that sends more than its queue holds before the room is loaded with 4413; the others carry on', async () => {
    const h = await harness()
    const flooder = await open(h)
    const honest = await open(h)
    honest.send(updateFrame(recordUpdate('shape:honest')))
    for (let i = 0; i < 300 && flooder.isOpen; i++) {
      flooder.send(awarenessFrame([{ clientId: 7, clock: i + 1, state: { cursor: { x: i, y: 0 } } }]))
    }
    const closed = await withTimeout(flooder.closed, 'the flooder to be closed')
    expect(closed.code).toBe(CloseCode.OverBudget)
    expect(closed.reason).toMatch(/before the room could take them/)
    h.releaseLoads()
    await waitFor(() => h.sqlite.readUpdates(h.roomId).length === 1, 'the honest update to be stored')
    expect(honest.isOpen).toBe(true)
  })

  it('counts sockets waiting for the load against the room’s participant limit', async () => {
    const h = await harness()
    const limit = testConfig().maxRoomParticipants
    const admitted = await Promise.all(Array.from({ length: limit }, () => open(h)))
    const extra = await open(h)
    const closed = await withTimeout(extra.closed, 'the socket past the limit to be closed')
    expect(closed.code).toBe(CloseCode.RoomFull)
    h.releaseLoads()
    for (const raw of admitted) await raw.waitForMessage((f) => f.type === 'sync', 'the server’s sync step 1')
    expect(admitted.every((raw) => raw.isOpen)).toBe(true)
  })

  it('closes the sockets of a room whose load fails with 4503, and loads it again for the next', async () => {
    const h = await harness()
    h.holdLoads(false)
    h.failReads(new Error('connection refused'))
    // The token check reads storage too: refused with 503 at the upgrade, nothing thrown.
    expect(await upgradeRefusal(`${h.url}/${h.roomId}?token=${h.token}`)).toMatchObject({
      status: 503,
      body: { error: { code: 'unavailable' } },
    })
    h.failReads(null)
    h.holdLoads(true)
    const raw = await open(h)
    h.failReads(new Error('connection refused'))
    h.releaseLoads()
    expect(await withTimeout(raw.closed, 'the socket to be closed')).toMatchObject({
      code: CloseCode.RoomUnavailable,
    })
    // Storage back: a transient failure is not remembered against the room.
    h.failReads(null)
    h.holdLoads(false)
    const again = await open(h)
    again.send(syncStep1Frame(new Y.Doc()))
    await again.waitForMessage((f) => f.type === 'sync' && f.sub === 1, 'the answer once storage is back')
  })
})
