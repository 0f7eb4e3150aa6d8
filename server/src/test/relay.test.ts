import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  createRoom,
  docUntil,
  syncStep1Frame,
  textUpdate,
  updateFrame,
  upgradeRefusal,
  useTestContext,
  waitFor,
  wsBase,
  type TestServer,
} from './helpers.ts'

const ctx = useTestContext()

const records = (doc: Y.Doc) => doc.getMap<Record<string, unknown>>('records')

/** Everything the server would hand a fresh client, from storage alone. */
async function storedDoc(server: TestServer, roomId: string): Promise<Y.Doc> {
  const doc = new Y.Doc()
  const { snapshot, updates } = await server.storage.loadRoomState(roomId)
  if (snapshot) Y.applyUpdate(doc, snapshot)
  for (const u of updates) Y.applyUpdate(doc, u)
  return doc
}

async function roomWithTwo() {
  const server = await ctx.server()
  const room = await createRoom(server)
  const a = await ctx.syncedProvider(server, room.roomId, room.tokens.interviewer)
  const b = await ctx.syncedProvider(server, room.roomId, room.tokens.candidate)
  return { server, room, a, b }
}

describe('sync with the stock y-websocket client', () => {
  it('relays a change from one client to the other, both ways', async () => {
    const { a, b } = await roomWithTwo()
    records(a.doc).set('shape:1', { type: 'geo', x: 10 })
    await docUntil(b.doc, (d) => records(d).has('shape:1'), 'candidate to see shape:1')
    expect(records(b.doc).get('shape:1')).toEqual({ type: 'geo', x: 10 })

    records(b.doc).set('shape:2', { type: 'arrow', x: 20 })
    await docUntil(a.doc, (d) => records(d).has('shape:2'), 'interviewer to see shape:2')
    expect(records(a.doc).toJSON()).toEqual(records(b.doc).toJSON())
    expect(a.denied).toEqual([])
    expect(b.denied).toEqual([])
  })

  it('converges under concurrent edits from both clients', async () => {
    const { server, room, a, b } = await roomWithTwo()
    for (let i = 0; i < 25; i++) {
      records(a.doc).set(`shape:a${i}`, { x: i })
      records(b.doc).set(`shape:b${i}`, { x: -i })
      // Both write the same keys and the same text position: conflicts Yjs must settle identically.
      records(a.doc).set(`shared:${i % 5}`, { by: 'a', i })
      records(b.doc).set(`shared:${i % 5}`, { by: 'b', i })
      a.doc.getText('notes').insert(0, 'a')
      b.doc.getText('notes').insert(0, 'b')
    }
    const complete = (d: Y.Doc) => records(d).size === 55 && d.getText('notes').length === 50
    await Promise.all([docUntil(a.doc, complete, 'a to converge'), docUntil(b.doc, complete, 'b to converge')])
    expect(records(a.doc).toJSON()).toEqual(records(b.doc).toJSON())
    expect(a.doc.getText('notes').toString()).toBe(b.doc.getText('notes').toString())

    // The server's room and what it stored agree with the clients.
    const live = server.relay.room(room.roomId).doc
    expect(records(live).toJSON()).toEqual(records(a.doc).toJSON())
    const stored = await storedDoc(server, room.roomId)
    expect(records(stored).toJSON()).toEqual(records(a.doc).toJSON())
    expect(stored.getText('notes').toString()).toBe(a.doc.getText('notes').toString())
  })

  it('brings a late joiner up to date in its first sync', async () => {
    const { server, room, a } = await roomWithTwo()
    records(a.doc).set('shape:1', { x: 1 })
    await waitFor(async () => (await server.storage.readUpdates(room.roomId)).length === 1, 'update to be stored')
    const late = ctx.provider(server, room.roomId, room.tokens.observer)
    await new Promise<void>((resolve) => late.provider.once('sync', () => resolve()))
    expect(records(late.doc).get('shape:1')).toEqual({ x: 1 })
  })

  it('keeps rooms apart', async () => {
    const server = await ctx.server()
    const one = await createRoom(server)
    const two = await createRoom(server)
    const a = await ctx.syncedProvider(server, one.roomId, one.tokens.interviewer)
    const b = await ctx.syncedProvider(server, two.roomId, two.tokens.interviewer)
    const b2 = await ctx.syncedProvider(server, two.roomId, two.tokens.candidate)
    records(a.doc).set('only-in-one', { x: 1 })
    records(b.doc).set('only-in-two', { x: 2 })
    await docUntil(b2.doc, (d) => records(d).has('only-in-two'), 'room two to sync')
    await waitFor(async () => (await server.storage.readUpdates(one.roomId)).length === 1, 'room one update stored')
    expect(records(b2.doc).has('only-in-one')).toBe(false)
    expect(records(b.doc).has('only-in-one')).toBe(false)
    expect(await server.storage.readUpdates(two.roomId)).toHaveLength(1)
  })
})

describe('observers are read-only', () => {
  it('refuses an observer’s change: not relayed, not stored, answered with permission denied', async () => {
    const { server, room, a, b } = await roomWithTwo()
    const o = await ctx.syncedProvider(server, room.roomId, room.tokens.observer)
    records(a.doc).set('shape:1', { x: 1 })
    await docUntil(o.doc, (d) => records(d).has('shape:1'), 'observer to see the interviewer')
    const storedBefore = (await server.storage.readUpdates(room.roomId)).length

    records(o.doc).set('shape:evil', { x: 666 })
    await waitFor(() => o.denied.length > 0, 'observer to be told permission denied')
    expect(o.denied[0]).toMatch(/observer/)

    // Ordering barrier: anything relayed from the observer would reach b before this.
    records(a.doc).set('shape:2', { x: 2 })
    await docUntil(b.doc, (d) => records(d).has('shape:2'), 'candidate to see shape:2')
    expect(records(b.doc).has('shape:evil')).toBe(false)
    expect(records(a.doc).has('shape:evil')).toBe(false)
    expect(records(server.relay.room(room.roomId).doc).has('shape:evil')).toBe(false)
    const log = await server.storage.readUpdates(room.roomId)
    expect(log).toHaveLength(storedBefore + 1)
    expect(log.map((u) => u.author)).not.toContain('observer')
    expect(records(await storedDoc(server, room.roomId)).has('shape:evil')).toBe(false)

    // The observer still receives everyone else's changes and stays connected.
    await docUntil(o.doc, (d) => records(d).has('shape:2'), 'observer to see shape:2')
    expect(o.provider.wsconnected).toBe(true)
    expect(o.closes).toEqual([])
  })

  it('refuses a raw observer’s update frame with a y-protocols auth message (type 2)', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    const raw = await ctx.raw(server, room.roomId, room.tokens.observer)
    raw.send(syncStep1Frame(new Y.Doc()))
    raw.send(updateFrame(textUpdate('nope')))
    const denied = await raw.waitForMessage((f) => f.type === 'auth', 'permission denied')
    expect(denied).toMatchObject({ type: 'auth', permission: 0 })
    expect(raw.isOpen).toBe(true)
    expect(await server.storage.readUpdates(room.roomId)).toEqual([])
  })
})

describe('upgrade authentication on /yjs', () => {
  it('answers 401 without a token', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    const res = await upgradeRefusal(`${wsBase(server)}/${room.roomId}`)
    expect(res.status).toBe(401)
    expect(res.body).toMatchObject({ error: { code: 'unauthorized' } })
  })

  it('answers 403 for a wrong token and for another room’s token', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    const other = await createRoom(server)
    expect((await upgradeRefusal(`${wsBase(server)}/${room.roomId}?token=${'A'.repeat(43)}`)).status).toBe(403)
    const res = await upgradeRefusal(`${wsBase(server)}/${room.roomId}?token=${other.tokens.interviewer}`)
    expect(res.status).toBe(403)
    expect(res.body).toMatchObject({ error: { code: 'forbidden' } })
  })

  it('answers 404 for an unknown room or a bad path', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    const unknown = await upgradeRefusal(`${wsBase(server)}/nosuchroom?token=${room.tokens.interviewer}`)
    expect(unknown.status).toBe(404)
    expect(unknown.body).toMatchObject({ error: { code: 'not_found' } })
    expect((await upgradeRefusal(`${wsBase(server)}/a/b?token=x`)).status).toBe(404)
    expect((await upgradeRefusal(`${wsBase(server)}?token=x`)).status).toBe(404)
    expect(server.relay.activeRooms).toBe(0)
  })

  it('accepts each of the room’s three tokens', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    for (const token of Object.values(room.tokens)) {
      const raw = await ctx.raw(server, room.roomId, token)
      await raw.waitForMessage((f) => f.type === 'sync' && f.sub === 0, 'sync step 1 from the server')
    }
    expect(server.relay.room(room.roomId).size).toBe(3)
  })
})
