import { DatabaseSync } from 'node:sqlite'
import { join } from 'node:path'
import { CloseCode, type CreateRoomResponse } from '@loopboard/protocol'
import { describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import * as Y from 'yjs'
import { DATABASE_FILE } from '../createServer.ts'
import { createRoom, docUntil, updateFrame, useTestContext, withTimeout, type RawClient } from './helpers.ts'
import { spawnServer } from './serverProcess.ts'

const ctx = useTestContext()

const records = (doc: Y.Doc) => doc.getMap<Record<string, unknown>>('records')

/** An update with shared maps nested `depth` levels deep. */
function nestedUpdate(depth: number): Uint8Array {
  const doc = new Y.Doc()
  let map = doc.getMap('records')
  doc.transact(() => {
    for (let i = 0; i < depth; i++) {
      const next = new Y.Map()
      map.set('k', next)
      map = next
    }
  })
  return Y.encodeStateAsUpdate(doc)
}

/** One writer's updates, each depending on the one before. */
function chain(parts: number): Uint8Array[] {
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  for (let i = 0; i < parts; i++) doc.getText('notes').insert(i, 'x')
  return updates
}

async function expectClosed(raw: RawClient, code: number, reason: RegExp) {
  const closed = await withTimeout(raw.closed, 'the socket to be closed')
  expect(closed).toMatchObject({ code })
  expect(closed.reason).toMatch(reason)
}

/** Two rooms with two synced clients each, and some content. */
async function setup(overrides = {}) {
  const server = await ctx.server({ maxPendingStructsPerSocket: 20, maxUpdateStructs: 500, ...overrides })
  const one = await createRoom(server)
  const two = await createRoom(server)
  const a = await ctx.syncedProvider(server, one.roomId, one.tokens.interviewer)
  const b = await ctx.syncedProvider(server, one.roomId, one.tokens.candidate)
  const c = await ctx.syncedProvider(server, two.roomId, two.tokens.interviewer)
  const d = await ctx.syncedProvider(server, two.roomId, two.tokens.candidate)
  records(a.doc).set('shape:1', { x: 1 })
  await docUntil(b.doc, (doc) => records(doc).has('shape:1'), 'room one to sync')
  return { server, one, two, a, b, c, d }
}

async function stillSyncing(from: Y.Doc, to: Y.Doc, key: string) {
  records(from).set(key, { ok: true })
  await docUntil(to, (doc) => records(doc).has(key), `${key} to arrive`)
}

describe('update budgets on /yjs', () => {
  const overBudget: Array<[string, () => Uint8Array[], RegExp]> = [
    ['shared types nested past MAX_NESTING_DEPTH', () => [nestedUpdate(33)], /nested 33 deep/],
    ['a value nested too deeply to decode', () => [deepValueUpdate()], /nested too deeply/],
    ['more structs than MAX_UPDATE_STRUCTS', () => [manyStructs(501)], /501 structs/],
    ['a flood of updates whose dependencies never come', () => chain(30).slice(1), /unresolved structs/],
  ]
  it.each(overBudget)('%s: closes the sender with 4413, stores and relays nothing', async (_name, frames, reason) => {
    const { server, one, two, a, b, c, d } = await setup()
    const before = (await server.storage.readUpdates(one.roomId)).length
    const raw = await ctx.raw(server, one.roomId, one.tokens.candidate)
    const seen: Uint8Array[] = []
    a.doc.on('update', (u: Uint8Array) => seen.push(u))
    for (const frame of frames()) if (raw.isOpen) raw.send(updateFrame(frame))
    await expectClosed(raw, CloseCode.OverBudget, reason)

    expect(await server.storage.readUpdates(one.roomId)).toHaveLength(before)
    expect(server.relay.room(one.roomId).doc.store.pendingStructs).toBeNull()
    await stillSyncing(b.doc, a.doc, 'shape:after')
    await stillSyncing(d.doc, c.doc, 'shape:after')
    // Only the honest edit reached the other client.
    expect(seen).toHaveLength(1)
    expect(a.doc.getText('notes').length).toBe(0)
    expect((await server.storage.readUpdates(two.roomId)).length).toBeGreaterThan(0)
  })
})

/** A JSON value 20,000 arrays deep, written by hand: Yjs itself cannot encode one this deep (it recurses too). */
function deepValueUpdate(): Uint8Array {
  const doc = new Y.Doc()
  doc.getArray('a').push([1])
  const update = Y.encodeStateAsUpdate(doc)
  // The update ends with the value (125 = integer, 1) and an empty delete set (0); swap the value.
  const head = update.subarray(0, update.length - 3)
  const body = new Uint8Array(20_000 * 2 + 2)
  for (let i = 0; i < 20_000; i++) {
    body[i * 2] = 117 // array
    body[i * 2 + 1] = 1 // of one element
  }
  body[40_000] = 125 // integer
  body[40_001] = 1
  return Uint8Array.from([...head, ...body, 0])
}

function manyStructs(count: number): Uint8Array {
  const doc = new Y.Doc()
  const map = doc.getMap('records')
  // Different keys: each its own struct.
  for (let i = 0; i < count; i++) map.set(`k${i}`, i)
  return Y.encodeStateAsUpdate(doc)
}

describe('a room that cannot load fails alone', () => {
  it('closes its sockets with 4503, keeps its history, and every other room works', async () => {
    const { server, c, d } = await setup()
    // A stored row that does not decode, in a room nobody has open.
    const broken = await createRoom(server)
    await server.storage.appendUpdate(broken.roomId, {
      seq: 1,
      ts: 1,
      author: 'candidate',
      update: Uint8Array.of(0xff, 1),
    })

    const raw = await ctx.raw(server, broken.roomId, broken.tokens.candidate)
    await expectClosed(raw, CloseCode.RoomUnavailable, /could not be loaded/)
    expect(await server.storage.readUpdates(broken.roomId)).toHaveLength(1)
    await stillSyncing(c.doc, d.doc, 'shape:two')
    expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(200)
  })

  it('a stored update nested thousands deep does not take the process down', async () => {
    const dataDir = ctx.tempDir()
    const proc = await spawnServer(ctx, dataDir)
    const post = async (): Promise<CreateRoomResponse> =>
      (await (await fetch(`${proc.httpBase}/api/rooms`, { method: 'POST', body: '{}' })).json()) as CreateRoomResponse
    const poisoned = await post()
    const healthy = await post()
    // Stored as it was before budgets existed: thousands of nested maps, then the outer one deleted.
    const db = new DatabaseSync(join(dataDir, DATABASE_FILE))
    const insert = db.prepare('INSERT INTO room_updates (room_id, seq, ts, author, bytes) VALUES (?, ?, ?, ?, ?)')
    deepThenDeleted(8_000).forEach((bytes, i) => insert.run(poisoned.roomId, i + 1, i, 'candidate', bytes))
    db.close()

    for (let attempt = 0; attempt < 3; attempt++) {
      const code = await closeCodeOf(`${proc.wsBase}/${poisoned.roomId}?token=${poisoned.tokens.candidate}`)
      expect(code).toBe(CloseCode.RoomUnavailable)
    }
    expect((await fetch(`${proc.httpBase}/healthz`)).status).toBe(200)
    const a = await ctx.syncedProvider(proc.wsBase, healthy.roomId, healthy.tokens.interviewer)
    const b = await ctx.syncedProvider(proc.wsBase, healthy.roomId, healthy.tokens.candidate)
    await stillSyncing(a.doc, b.doc, 'shape:alive')
    expect(proc.child.exitCode).toBeNull()
    expect(proc.output()).toMatch(/room could not be loaded/)
    expect(proc.output()).toContain(poisoned.roomId)
  })
})

function deepThenDeleted(depth: number): Uint8Array[] {
  const deep = new Y.Doc()
  deep.clientID = 1
  let map = deep.getMap('records')
  deep.transact(() => {
    for (let i = 0; i < depth; i++) {
      const next = new Y.Map()
      map.set('k', next)
      map = next
    }
  })
  const shallow = new Y.Doc()
  shallow.clientID = 1
  shallow.getMap('records').set('k', new Y.Map())
  const sv = Y.encodeStateVector(shallow)
  shallow.getMap('records').delete('k')
  return [Y.encodeStateAsUpdate(deep), Y.encodeStateAsUpdate(shallow, sv)]
}

function closeCodeOf(url: string): Promise<number> {
  return withTimeout(
    new Promise<number>((resolve) => {
      const ws = new WebSocket(url)
      ws.on('error', () => {})
      ws.on('close', (code) => resolve(code))
    }),
    'the socket to be closed'
  )
}
