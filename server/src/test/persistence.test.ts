import { existsSync, readFileSync } from 'node:fs'
import { DatabaseSync } from 'node:sqlite'
import { join } from 'node:path'
import type { CreateRoomResponse } from '@loopboard/protocol'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { DATABASE_FILE } from '../createServer.ts'
import type { StoredUpdate } from '../storage/Storage.ts'
import { SqliteStorage } from '../storage/SqliteStorage.ts'
import { JOURNAL_FILE } from '../storage/JournaledStorage.ts'
import { decodeRecords } from '../storage/UpdateJournal.ts'
import { createRoom, docUntil, useTestContext, waitFor, withTimeout, type ProviderHandle } from './helpers.ts'
import { spawnServer } from './serverProcess.ts'

const ctx = useTestContext()

type Shape = { type: string; x: number; y: number }
const records = (doc: Y.Doc) => doc.getMap<Shape>('records')

/** What the doc looked like when the provider emitted its first 'sync' (i.e. right after the server's sync step 2). */
function contentAtFirstSync(handle: ProviderHandle): Promise<Record<string, Shape>> {
  return withTimeout(
    new Promise((resolve) => {
      const onSync = (synced: boolean) => {
        if (!synced) return
        handle.provider.off('sync', onSync)
        resolve(records(handle.doc).toJSON() as Record<string, Shape>)
      }
      handle.provider.on('sync', onSync)
    }),
    'first sync'
  )
}

/** Draw a board in many small transactions, with moves and deletions; returns the final content. */
function draw(doc: Y.Doc, count = 20): Record<string, Shape> {
  for (let i = 0; i < count; i++) records(doc).set(`shape:${i}`, { type: i % 2 ? 'geo' : 'arrow', x: i * 10, y: i })
  doc.transact(() => {
    for (let i = 0; i < count; i += 3) records(doc).set(`shape:${i}`, { type: 'geo', x: -i, y: -i })
  })
  records(doc).delete('shape:1')
  doc.getText('notes').insert(0, 'candidate proposes a queue')
  return records(doc).toJSON() as Record<string, Shape>
}

/** The room's updates still in the relay's journal (not yet moved into the database). */
function journaled(dataDir: string, roomId: string): StoredUpdate[] {
  const file = join(dataDir, JOURNAL_FILE)
  if (!existsSync(file)) return []
  return decodeRecords(readFileSync(file))
    .records.filter((r) => r.roomId === roomId)
    .map(({ roomId: _room, ...update }) => update)
}

function rebuild(updates: Uint8Array[], snapshot: Uint8Array | null = null): Y.Doc {
  const doc = new Y.Doc()
  if (snapshot) Y.applyUpdate(doc, snapshot)
  for (const u of updates) Y.applyUpdate(doc, u)
  return doc
}

describe('the update log', () => {
  it('has each accepted update, with author role and server time, before anyone else receives it', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    const interviewer = await ctx.syncedProvider(server, room.roomId, room.tokens.interviewer)
    const candidate = await ctx.syncedProvider(server, room.roomId, room.tokens.candidate)

    // What storage held at the moment each side received a remote change.
    const seenAt: Array<{ by: string; stored: StoredUpdate[] }> = []
    // A connection of the test's own, read synchronously the moment a client is sent a change,
    // with the journal an update is made durable in before it moves into the database.
    const stored = new SqliteStorage(ctx.database(server))
    const log = {
      readUpdates: (roomId: string): StoredUpdate[] => {
        const rows = [...stored.readUpdates(roomId), ...journaled(server.dataDir, roomId)]
        return [...new Map(rows.map((u) => [u.seq, u])).values()].sort((a, b) => a.seq - b.seq)
      },
    }
    for (const [by, handle] of [
      ['interviewer', interviewer],
      ['candidate', candidate],
    ] as const) {
      handle.doc.on('update', (_u: Uint8Array, origin: unknown) => {
        if (origin === handle.provider) seenAt.push({ by, stored: log.readUpdates(room.roomId) })
      })
    }

    const t0 = Date.now()
    records(candidate.doc).set('shape:c', { type: 'geo', x: 1, y: 1 })
    await docUntil(interviewer.doc, (d) => records(d).has('shape:c'), 'interviewer to receive')
    records(interviewer.doc).set('shape:i', { type: 'geo', x: 2, y: 2 })
    await docUntil(candidate.doc, (d) => records(d).has('shape:i'), 'candidate to receive')
    const t1 = Date.now()

    expect(seenAt.map((s) => s.by)).toEqual(['interviewer', 'candidate'])
    const [first, second] = seenAt
    expect(first!.stored.map((u) => [u.seq, u.author])).toEqual([[1, 'candidate']])
    expect(records(rebuild(first!.stored.map((u) => u.update))).get('shape:c')).toEqual({ type: 'geo', x: 1, y: 1 })
    expect(second!.stored.map((u) => [u.seq, u.author])).toEqual([
      [1, 'candidate'],
      [2, 'interviewer'],
    ])
    for (const u of second!.stored) {
      expect(u.ts).toBeGreaterThanOrEqual(t0)
      expect(u.ts).toBeLessThanOrEqual(t1)
    }
  })

  it('writes a snapshot every SNAPSHOT_EVERY_UPDATES updates and keeps loading cheap', async () => {
    const server = await ctx.server({ snapshotEveryUpdates: 3 })
    const room = await createRoom(server)
    const a = await ctx.syncedProvider(server, room.roomId, room.tokens.interviewer)
    for (let i = 0; i < 7; i++) records(a.doc).set(`shape:${i}`, { type: 'geo', x: i, y: 0 })
    await waitFor(
      async () => (await server.storage.readUpdates(room.roomId)).length === 7,
      'seven updates to be stored'
    )

    const state = await server.storage.loadRoomState(room.roomId)
    expect(state.snapshot).not.toBeNull()
    // Updates are committed in batches (one per event-loop turn); a snapshot follows the batch
    // that crosses the threshold and covers everything stored up to then.
    expect(state.snapshotSeq).toBeGreaterThanOrEqual(6)
    expect(state.lastSeq).toBe(7)
    expect(state.updates).toHaveLength(state.lastSeq - state.snapshotSeq)
    expect(records(rebuild(state.updates, state.snapshot)).toJSON()).toEqual(records(a.doc).toJSON())
  })
})

describe('reloading rooms', () => {
  it('unloads an idle room with a snapshot and serves it again from storage in the first sync', async () => {
    const server = await ctx.server({ roomIdleUnloadMs: 20 })
    const room = await createRoom(server)
    const a = await ctx.syncedProvider(server, room.roomId, room.tokens.candidate)
    const expected = draw(a.doc)
    await waitFor(async () => (await server.storage.readUpdates(room.roomId)).length === 23, 'all updates stored')
    a.provider.destroy()
    await waitFor(() => server.relay.activeRooms === 0, 'the idle room to unload')
    expect(await server.storage.loadRoomState(room.roomId)).toMatchObject({ snapshotSeq: 23, updates: [] })

    const fresh = ctx.provider(server, room.roomId, room.tokens.observer)
    expect(await contentAtFirstSync(fresh)).toEqual(expected)
    expect(fresh.doc.getText('notes').toString()).toBe('candidate proposes a queue')
  })
})

describe('a real process restart', () => {
  async function writeBoard(base: string, room: CreateRoomResponse) {
    const writer = ctx.provider(base, room.roomId, room.tokens.candidate)
    const watcher = ctx.provider(base, room.roomId, room.tokens.interviewer)
    await Promise.all([contentAtFirstSync(writer), contentAtFirstSync(watcher)])
    const expected = draw(writer.doc)
    // The relay stores each update before relaying it, so once the watcher has everything, so has the log.
    await docUntil(
      watcher.doc,
      (d) => JSON.stringify(records(d).toJSON()) === JSON.stringify(expected) && d.getText('notes').length > 0,
      'watcher to see the board'
    )
    writer.provider.destroy()
    watcher.provider.destroy()
    return expected
  }

  async function postRoom(base: string): Promise<CreateRoomResponse> {
    const res = await fetch(`${base}/api/rooms`, { method: 'POST', body: '{"title":"Restart me"}' })
    expect(res.status).toBe(201)
    return (await res.json()) as CreateRoomResponse
  }

  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    it(`brings every shape back after ${signal}`, async () => {
      const dataDir = ctx.tempDir()
      const first = await spawnServer(ctx, dataDir)
      expect(first.url).toMatch(new RegExp(`^http://localhost:${first.port}$`))
      const room = await postRoom(first.httpBase)
      const expected = await writeBoard(first.wsBase, room)
      expect(Object.keys(expected)).toHaveLength(19)

      const exit = await first.stop(signal)
      if (signal === 'SIGTERM') {
        expect(exit.code).toBe(0)
        expect(first.output()).toMatch(/shutting down/)
      }
      const db = new DatabaseSync(join(dataDir, DATABASE_FILE))
      const count = (table: string) =>
        (db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE room_id = ?`).get(room.roomId) as { n: number }).n
      const journalSeqs = journaled(dataDir, room.roomId).map((u) => u.seq)
      const inJournal = journalSeqs.length
      const storedSeqs = (
        db.prepare('SELECT seq FROM room_updates WHERE room_id = ?').all(room.roomId) as Array<{ seq: number }>
      ).map((r) => r.seq)
      // Every update is durable: in the database, or (a crash before it moved there) the journal.
      // (A crash between a move and emptying the journal leaves some in both.)
      expect(new Set([...storedSeqs, ...journalSeqs]).size).toBe(23)
      // A clean shutdown moves the journal into the database and snapshots; a crash leaves only
      // the log, which must be enough.
      if (signal === 'SIGTERM') expect(inJournal).toBe(0)
      expect(count('room_snapshots')).toBe(signal === 'SIGTERM' ? 1 : 0)
      db.close()

      const second = await spawnServer(ctx, dataDir)
      const session = await fetch(`${second.httpBase}/api/rooms/${room.roomId}/session`, {
        headers: { authorization: `Bearer ${room.tokens.observer}` },
      })
      expect(session.status).toBe(200)
      expect(await session.json()).toMatchObject({ title: 'Restart me', role: 'observer' })

      const fresh = ctx.provider(second.wsBase, room.roomId, room.tokens.observer)
      expect(await contentAtFirstSync(fresh)).toEqual(expected)
      expect(fresh.doc.getText('notes').toString()).toBe('candidate proposes a queue')
      // The restart moved what the journal held into the database before serving anyone.
      const after = new DatabaseSync(join(dataDir, DATABASE_FILE), { readOnly: true })
      expect(after.prepare('SELECT COUNT(*) AS n FROM room_updates WHERE room_id = ?').get(room.roomId)).toEqual({
        n: 23,
      })
      after.close()
      if (inJournal) expect(second.output()).toMatch(/recovered from the journal/)
      await second.stop()
    })
  }
})
