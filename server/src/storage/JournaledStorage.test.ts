import { spawnSync } from 'node:child_process'
import { appendFileSync, existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { Role } from '@loopboard/protocol'
import { describe, expect, it } from 'vitest'
import { useTestContext, waitFor } from '../test/helpers.ts'
import { asyncStorage } from './AsyncStorage.ts'
import {
  CATCH_UP_MOVES_AT_MOST,
  JournaledStorage,
  STORE_HERE_AT_MOST,
  type JournaledStorageOptions,
} from './JournaledStorage.ts'
import { JournalMover, type JournalSpan } from './JournalMover.ts'
import { openSqliteDatabase } from './openSqliteDatabase.ts'
import { SqliteStorage } from './SqliteStorage.ts'
import { storageContract } from './storageContract.ts'
import { BACKGROUND_NICE, threadNice } from './threadPriority.ts'
import { UpdateJournal } from './UpdateJournal.ts'

const ctx = useTestContext()

const hashes = (prefix: string): Record<Role, string> => ({
  interviewer: `${prefix}-i`,
  candidate: `${prefix}-c`,
  observer: `${prefix}-o`,
})
const fresh = (n: number) => ({ ts: 1_000 + n, author: 'candidate' as const, update: new Uint8Array([n]) })

function files() {
  const dir = ctx.tempDir()
  return { db: join(dir, 'loopboard.db'), journal: join(dir, 'loopboard.journal') }
}

function openJournaled(f: ReturnType<typeof files>, options: Partial<JournaledStorageOptions> = {}) {
  const s = new JournaledStorage(new SqliteStorage(f.db), f.journal, { flushMs: 60_000, ...options })
  ctx.onCleanup(() => s.close())
  return s
}

// Everything a backend must do, with the journal in front (flushed only when something reads).
storageContract('JournaledStorage', () => {
  const f = files()
  return Object.assign(openJournaled(f), { reopen: () => openJournaled(f) })
})
storageContract('JournaledStorage via asyncStorage()', () => {
  const f = files()
  return Object.assign(asyncStorage(openJournaled(f)), { reopen: () => asyncStorage(openJournaled(f)) })
})

describe('JournaledStorage', () => {
  it('keeps committed updates in the journal until the interval, then moves them into SQLite', async () => {
    const f = files()
    const s = openJournaled(f, { flushMs: 30 })
    s.createRoom({ id: 'r1', title: 'r1', createdAt: 1 }, hashes('r1'))
    expect(s.commitUpdates([{ roomId: 'r1', update: fresh(1) }])).toEqual([1])
    expect(s.commitUpdates([{ roomId: 'r1', update: fresh(2) }])).toEqual([2])
    expect(s.unflushed).toBe(2)
    expect(statSync(f.journal).size).toBeGreaterThan(0)
    // Another connection to the file does not see them yet: they are only in the journal.
    const other = new SqliteStorage(f.db)
    ctx.onCleanup(() => other.close())
    expect(other.readUpdates('r1')).toEqual([])
    await waitFor(() => s.unflushed === 0, 'the interval flush')
    expect(other.readUpdates('r1').map((u) => u.seq)).toEqual([1, 2])
    expect(statSync(f.journal).size).toBe(0)
  })

  it('moves them in chunks, one per event-loop turn, emptying the journal with the last', async () => {
    const f = files()
    const moves: number[] = []
    const s = openJournaled(f, {
      flushMs: 10,
      flushChunk: 2,
      metrics: { journalFlushed: () => moves.push(s.unflushed), journalFlushFailed: () => {} },
    })
    s.createRoom({ id: 'r1', title: 'r1', createdAt: 1 }, hashes('r1'))
    s.commitUpdates([1, 2, 3, 4, 5].map((n) => ({ roomId: 'r1', update: fresh(n) })))
    const other = new SqliteStorage(f.db)
    ctx.onCleanup(() => other.close())
    await waitFor(() => s.unflushed === 0, 'every chunk')
    // Waiting before each move: 5, then 3, then the last one (1) goes with the journal emptied.
    expect(moves).toEqual([5, 3, 1])
    expect(other.readUpdates('r1').map((u) => u.seq)).toEqual([1, 2, 3, 4, 5])
    expect(statSync(f.journal).size).toBe(0)
  })

  it('moves a backlog of flushAtUpdates at once, not in chunks (a flood must not outrun the moves)', async () => {
    const moves: number[] = []
    const s = openJournaled(files(), {
      flushAtUpdates: 10,
      flushChunk: 2,
      metrics: { journalFlushed: () => moves.push(s.unflushed), journalFlushFailed: () => {} },
    })
    s.createRoom({ id: 'r1', title: 'r1', createdAt: 1 }, hashes('r1'))
    s.commitUpdates(Array.from({ length: 12 }, (_, n) => ({ roomId: 'r1', update: fresh(n) })))
    await new Promise((resolve) => setImmediate(resolve))
    expect(s.unflushed).toBe(0)
    expect(moves).toEqual([12])
  })

  it('counts journaled updates as activity: a room edited a moment ago is not idle', () => {
    const s = openJournaled(files())
    s.createRoom({ id: 'r1', title: 'r1', createdAt: 1 }, hashes('r1'))
    s.createRoom({ id: 'idle', title: 'idle', createdAt: 1 }, hashes('idle'))
    s.commitUpdates([{ roomId: 'r1', update: { ts: 5_000, author: 'candidate', update: new Uint8Array([1]) } }])
    expect(s.unflushed).toBe(1)
    // The retention sweep's question, asked while the update is only in the journal.
    expect(s.roomsInactiveSince(4_000)).toEqual(['idle'])
  })

  it('numbers past a snapshot that names seqs the log lost (a power cut before the journal reached the disk)', () => {
    const s = openJournaled(files())
    s.createRoom({ id: 'r1', title: 'r1', createdAt: 1 }, hashes('r1'))
    s.appendUpdates(
      [1, 2, 3].map((seq) => ({
        roomId: 'r1',
        update: { seq, ts: seq, author: 'candidate' as const, update: new Uint8Array([seq]) },
      }))
    )
    s.saveSnapshot('r1', 50, new Uint8Array([0xaa]), 5)
    expect(s.commitUpdates([{ roomId: 'r1', update: fresh(51) }])).toEqual([51])
    expect(s.loadRoomState('r1')).toMatchObject({ snapshotSeq: 50, lastSeq: 51 })
  })

  it('loads a room without moving the journal: a snapshot naming seqs only the journal holds covers them', () => {
    const s = openJournaled(files())
    s.createRoom({ id: 'r1', title: 'r1', createdAt: 1 }, hashes('r1'))
    s.commitUpdates(Array.from({ length: 10 }, (_, n) => ({ roomId: 'r1', update: fresh(n + 1) })))
    s.saveSnapshot('r1', 8, new Uint8Array([0xaa]), 5)
    expect(s.loadRoomState('r1')).toEqual({
      snapshot: new Uint8Array([0xaa]),
      snapshotSeq: 8,
      updates: [new Uint8Array([9]), new Uint8Array([10])],
      lastSeq: 10,
    })
    expect(s.updateSpan('r1')).toEqual({ first: 1_001, last: 1_010 })
    // A snapshot of everything journaled: nothing after it, and the log still ends at 10.
    s.saveSnapshot('r1', 10, new Uint8Array([0xbb]), 6)
    expect(s.loadRoomState('r1')).toEqual({
      snapshot: new Uint8Array([0xbb]),
      snapshotSeq: 10,
      updates: [],
      lastSeq: 10,
    })
    expect(s.unflushed).toBe(10)
  })

  it('stores a backlog past 1 MiB before a room is read, instead of scanning it for every read', () => {
    const f = files()
    const s = openJournaled(f)
    s.createRoom({ id: 'r1', title: 'r1', createdAt: 1 }, hashes('r1'))
    const big = (n: number) => ({ roomId: 'r1', update: { ...fresh(n), update: new Uint8Array(300_000).fill(n) } })
    s.commitUpdates([big(1), big(2), big(3)])
    expect(s.readUpdates('r1').map((u) => u.seq)).toEqual([1, 2, 3])
    expect(s.unflushed).toBe(3)
    s.commitUpdates([big(4)])
    expect(s.loadRoomState('r1')).toMatchObject({ lastSeq: 4 })
    expect(s.unflushed).toBe(0)
    // SQLite refusing: the read fails rather than scanning the backlog again and again.
    const db = openSqliteDatabase(f.db)
    ctx.onCleanup(() => db.close())
    db.exec(`CREATE TRIGGER refuse BEFORE INSERT ON room_updates BEGIN SELECT RAISE(ABORT, 'disk full'); END`)
    s.commitUpdates([5, 6, 7, 8].map(big))
    expect(() => s.readUpdates('r1')).toThrow(/disk full/)
    db.exec('DROP TRIGGER refuse')
    expect(s.readUpdates('r1').map((u) => u.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
  })

  it('skips a row already stored when moving, instead of failing every move after it', () => {
    const f = files()
    const errors: unknown[] = []
    const s = openJournaled(f, { onFlushError: (e) => errors.push(e) })
    s.createRoom({ id: 'r1', title: 'r1', createdAt: 1 }, hashes('r1'))
    expect(s.commitUpdates([1, 2].map((n) => ({ roomId: 'r1', update: fresh(n) })))).toEqual([1, 2])
    // The same row stored meanwhile (as a move whose journal could not be emptied leaves it).
    const other = new SqliteStorage(f.db)
    ctx.onCleanup(() => other.close())
    other.appendUpdate('r1', { seq: 1, ts: 1_001, author: 'candidate', update: new Uint8Array([1]) })
    // A read shows it once: SQLite's row, then the journal's rows after it.
    expect(s.readUpdates('r1').map((u) => u.seq)).toEqual([1, 2])
    s.flush()
    expect(s.unflushed).toBe(0)
    expect(s.readUpdates('r1').map((u) => u.seq)).toEqual([1, 2])
    expect(errors).toEqual([])
  })

  it('keeps what SQLite refuses journaled (reads still see it), retries, and refuses new updates past its byte budget', async () => {
    const f = files()
    const errors: unknown[] = []
    const s = openJournaled(f, { flushMs: 20, maxPendingBytes: 4, onFlushError: (e) => errors.push(e) })
    s.createRoom({ id: 'r1', title: 'r1', createdAt: 1 }, hashes('r1'))
    // SQLite refusing every write to the board log (as a full disk would).
    const db = openSqliteDatabase(f.db)
    ctx.onCleanup(() => db.close())
    db.exec(`CREATE TRIGGER refuse BEFORE INSERT ON room_updates BEGIN SELECT RAISE(ABORT, 'disk full'); END`)
    expect(s.commitUpdates([1, 2, 3, 4, 5].map((n) => ({ roomId: 'r1', update: fresh(n) })))).toEqual([1, 2, 3, 4, 5])
    await waitFor(() => errors.length >= 2, 'two failed flushes')
    expect(String(errors[0])).toMatch(/disk full/)
    expect(s.unflushed).toBe(5)
    // Over the budget: the next commit tries once more, then is refused whole.
    expect(() => s.commitUpdates([{ roomId: 'r1', update: fresh(6) }])).toThrow(/disk full/)
    expect(() => s.flush()).toThrow(/disk full/)
    // Reads go on meanwhile, from the journal.
    expect(s.readUpdates('r1').map((u) => u.seq)).toEqual([1, 2, 3, 4, 5])
    expect(s.loadRoomState('r1')).toMatchObject({
      lastSeq: 5,
      updates: [1, 2, 3, 4, 5].map((n) => new Uint8Array([n])),
    })
    db.exec('DROP TRIGGER refuse')
    await waitFor(() => s.unflushed === 0, 'the retried flush')
    expect(s.readUpdates('r1').map((u) => u.seq)).toEqual([1, 2, 3, 4, 5])
    expect(s.commitUpdates([{ roomId: 'r1', update: fresh(6) }])).toEqual([6])
  })

  it('after kill -9, stores what only the journal held before anything else runs', () => {
    const f = files()
    const setup = new SqliteStorage(f.db)
    setup.createRoom({ id: 'r1', title: 'r1', createdAt: 1 }, hashes('r1'))
    setup.createRoom({ id: 'gone', title: 'gone', createdAt: 1 }, hashes('gone'))
    setup.appendUpdate('r1', { seq: 1, ts: 1, author: 'interviewer', update: new Uint8Array([1]) })
    setup.close()
    // A process commits 40 updates, then is killed before its interval flush.
    const storageModule = new URL('./JournaledStorage.ts', import.meta.url).pathname
    const sqliteModule = new URL('./SqliteStorage.ts', import.meta.url).pathname
    const child = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `
        const { JournaledStorage } = await import(${JSON.stringify(storageModule)})
        const { SqliteStorage } = await import(${JSON.stringify(sqliteModule)})
        const s = new JournaledStorage(new SqliteStorage(${JSON.stringify(f.db)}), ${JSON.stringify(f.journal)}, { flushMs: 60000 })
        for (let i = 0; i < 20; i++) s.commitUpdates([
          { roomId: 'r1', update: { ts: i, author: 'candidate', update: new Uint8Array([i]) } },
          { roomId: 'gone', update: { ts: i, author: 'candidate', update: new Uint8Array([i]) } },
        ])
        // A snapshot does not wait for the journal: it names seqs only the journal holds.
        s.saveSnapshot('r1', 11, new Uint8Array([0xaa]), 5)
        process.kill(process.pid, 'SIGKILL')
        `,
      ],
      { encoding: 'utf8' }
    )
    expect(child.signal, child.stderr).toBe('SIGKILL')
    const plain = new SqliteStorage(f.db)
    expect(plain.readUpdates('r1').map((u) => u.seq)).toEqual([1])
    // Deleted while the server was down (or between the crash and the restart).
    plain.deleteRoom('gone')
    plain.close()
    // The last record was being written when the process died.
    appendFileSync(f.journal, Buffer.from([40, 0, 0, 0, 1, 2]))

    const s = openJournaled(f)
    expect(s.recovered).toBe(20)
    expect(statSync(f.journal).size).toBe(0)
    const updates = s.readUpdates('r1')
    expect(updates.map((u) => u.seq)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1))
    expect([...updates[5]!.update]).toEqual([4])
    const state = s.loadRoomState('r1')
    expect(state).toMatchObject({ snapshotSeq: 11, lastSeq: 21 })
    expect(state.updates.map((u) => [...u])).toEqual(Array.from({ length: 10 }, (_, i) => [i + 10]))
    // Numbering carries on after the recovered ones.
    expect(s.commitUpdates([{ roomId: 'r1', update: fresh(99) }])).toEqual([22])
    s.close()
    // Recovered records already stored are not stored twice (a crash between the flush and clearing the journal).
    expect(openJournaled(f).recovered).toBe(0)
  })
})

describe('JournaledStorage with its moves on a worker thread', () => {
  /** A real mover; `hold` keeps its answers back until released (the worker has stored by then). */
  function workerMover(f: ReturnType<typeof files>) {
    const mover = new JournalMover(f.db, f.journal)
    let gate: Promise<void> | null = null
    let release = () => {}
    const handle = {
      moved: 0,
      moves: 0,
      /** Called as each move is stored, before its answer: what arrives during a move. */
      afterMove: null as (() => void) | null,
      hold() {
        gate = new Promise((resolve) => (release = resolve))
      },
      release: () => release(),
      mover: {
        get broken() {
          return mover.broken
        },
        stop: () => mover.stop(),
        move: async (span: JournalSpan) => {
          await mover.move(span)
          handle.moved += span.count
          handle.moves++
          handle.afterMove?.()
          await gate
        },
      },
    }
    ctx.onCleanup(() => mover.stop())
    return handle
  }

  /** Rows the event loop's own connection stored (moves made here rather than by the worker). */
  function countMainThreadRows(sqlite: SqliteStorage) {
    const counted = { rows: 0 }
    const insert = sqlite.insertJournaled.bind(sqlite)
    sqlite.insertJournaled = (batch) => {
      counted.rows += batch.length
      return insert(batch)
    }
    return counted
  }

  /** A storage with room r1 whose background moves go to a real worker, counting rows stored here. */
  function openWithWorker(options: Partial<JournaledStorageOptions> = {}) {
    const f = files()
    const worker = workerMover(f)
    const sqlite = new SqliteStorage(f.db)
    const mainThread = countMainThreadRows(sqlite)
    const s = new JournaledStorage(sqlite, f.journal, { flushMs: 10, mover: worker.mover, ...options })
    ctx.onCleanup(() => s.close())
    s.createRoom({ id: 'r1', title: 'r1', createdAt: 1 }, hashes('r1'))
    return { f, worker, s, mainThread }
  }

  it('stores the journal from the worker: none of it on the event loop, and the journal is emptied', async () => {
    const { f, s, mainThread } = openWithWorker()
    s.commitUpdates(Array.from({ length: 300 }, (_, n) => ({ roomId: 'r1', update: fresh(n) })))
    const other = new SqliteStorage(f.db)
    ctx.onCleanup(() => other.close())
    await waitFor(() => s.unflushed === 0, 'the move')
    expect(other.readUpdates('r1').map((u) => u.seq)).toEqual(Array.from({ length: 300 }, (_, n) => n + 1))
    expect(statSync(f.journal).size).toBe(0)
    expect(mainThread.rows).toBe(0)
  })

  it.skipIf(!existsSync('/proc/thread-self'))(
    'runs the worker at a lower CPU priority than the event loop',
    async () => {
      const atBackground = () =>
        readdirSync('/proc/self/task').filter((tid) => threadNice(Number(tid)) === BACKGROUND_NICE).length
      const before = atBackground()
      const mainNice = threadNice(process.pid)
      const { s } = openWithWorker()
      s.commitUpdates([{ roomId: 'r1', update: fresh(1) }])
      await waitFor(() => s.unflushed === 0, 'the move')
      expect(atBackground()).toBe(before + 1)
      expect(threadNice(process.pid)).toBe(mainNice)
      expect(mainNice).not.toBe(BACKGROUND_NICE)
    }
  )

  it("a room's reads while a batch is with the worker store nothing here and show every row once", async () => {
    const { worker, s, mainThread } = openWithWorker()
    s.createRoom({ id: 'r2', title: 'r2', createdAt: 1 }, hashes('r2'))
    worker.hold()
    const both = (n: number) => [
      { roomId: 'r1', update: fresh(n) },
      { roomId: 'r2', update: { ts: 5_000 + n, author: 'interviewer' as const, update: new Uint8Array([200]) } },
    ]
    s.commitUpdates(Array.from({ length: 100 }, (_, n) => both(n)).flat())
    await waitFor(() => worker.moved === 200, 'the worker storing the batch')
    // The worker has stored them, its answer is held back; commits go on meanwhile.
    s.commitUpdates(both(100))
    s.saveSnapshot('r1', 99, new Uint8Array([0xaa]), 2_000)
    expect(s.unflushed).toBe(202)
    const seqs = Array.from({ length: 101 }, (_, n) => n + 1)
    expect(s.readUpdates('r1').map((u) => u.seq)).toEqual(seqs)
    expect(s.readUpdates('r1', 60).map((u) => u.seq)).toEqual(seqs.slice(60))
    expect(s.readUpdates('r1', 100)).toEqual([
      { seq: 101, ts: 1_100, author: 'candidate', update: new Uint8Array([100]) },
    ])
    expect(s.readUpdates('r2').every((u) => u.author === 'interviewer')).toBe(true)
    // Row 100 from SQLite after the snapshot, row 101 from the journal.
    expect(s.loadRoomState('r1')).toEqual({
      snapshot: new Uint8Array([0xaa]),
      snapshotSeq: 99,
      updates: [new Uint8Array([99]), new Uint8Array([100])],
      lastSeq: 101,
    })
    expect(s.updateSpan('r2')).toEqual({ first: 5_000, last: 5_100 })
    expect(s.unflushed).toBe(202)
    expect(mainThread.rows).toBe(0)
    worker.release()
    await waitFor(() => s.unflushed === 0, 'the last row moved')
    expect(s.readUpdates('r1').map((u) => u.seq)).toEqual(seqs)
    expect(s.updateSpan('r2')).toEqual({ first: 5_000, last: 5_100 })
    expect(mainThread.rows).toBe(0)
  })

  it("loads a room in one read of SQLite: a move committed between that read's statements is not half seen", () => {
    const f = files()
    const sqlite = new SqliteStorage(f.db)
    // A worker that takes the span and stores it only when told to (from the test), never answering.
    const spans: JournalSpan[] = []
    const s = new JournaledStorage(sqlite, f.journal, {
      flushMs: 5,
      mover: { broken: null, stop: async () => {}, move: (span) => (spans.push(span), new Promise(() => {})) },
    })
    ctx.onCleanup(() => s.close())
    const worker = new SqliteStorage(f.db)
    ctx.onCleanup(() => worker.close())
    const { journal } = UpdateJournal.open(f.journal)
    ctx.onCleanup(() => journal.close())
    // The worker commits its span right before the room's last statement (its highest seq).
    const statements = (sqlite as unknown as { stmt: Record<string, { get: (...a: unknown[]) => unknown }> }).stmt
    const lastSeq = statements.lastSeq!
    statements.lastSeq = {
      get: (...args) => {
        worker.insertJournaled(journal.read(spans[0]!.from, spans[0]!.to).records)
        return lastSeq.get(...args)
      },
    }
    s.createRoom({ id: 'r1', title: 'r1', createdAt: 1 }, hashes('r1'))
    s.commitUpdates([1, 2, 3].map((n) => ({ roomId: 'r1', update: fresh(n) })))
    return waitFor(() => spans.length === 1, 'the span with the worker').then(() => {
      expect(s.loadRoomState('r1')).toEqual({
        snapshot: null,
        snapshotSeq: 0,
        updates: [1, 2, 3].map((n) => new Uint8Array([n])),
        lastSeq: 3,
      })
      expect(worker.readUpdates('r1').map((u) => u.seq)).toEqual([1, 2, 3])
    })
  })

  it('a full move here while a batch is with the worker (the inactivity sweep) stores everything, and the late answer changes nothing', async () => {
    const errors: unknown[] = []
    const { f, worker, s } = openWithWorker({ onFlushError: (e) => errors.push(e) })
    worker.hold()
    s.commitUpdates(Array.from({ length: 100 }, (_, n) => ({ roomId: 'r1', update: fresh(n) })))
    await waitFor(() => worker.moved === 100, 'the worker storing the batch')
    // The worker has stored them, its answer is held back; commits go on meanwhile.
    s.commitUpdates([{ roomId: 'r1', update: fresh(100) }])
    expect(s.unflushed).toBe(101)
    expect(s.roomsInactiveSince(0)).toEqual([])
    expect(s.unflushed).toBe(0)
    expect(s.readUpdates('r1').map((u) => u.seq)).toEqual(Array.from({ length: 101 }, (_, n) => n + 1))
    // All stored, but the worker may still be reading its span: the journal is cleared after its answer.
    expect(statSync(f.journal).size).toBeGreaterThan(0)
    worker.release()
    await waitFor(() => statSync(f.journal).size === 0, 'the journal cleared after the answer')
    s.commitUpdates([{ roomId: 'r1', update: fresh(101) }])
    await waitFor(() => s.unflushed === 0, 'the next move')
    expect(s.readUpdates('r1').map((u) => u.seq)).toEqual(Array.from({ length: 102 }, (_, n) => n + 1))
    expect(statSync(f.journal).size).toBe(0)
    expect(errors).toEqual([])
  })

  it('sends what arrived meanwhile to the worker too, but empties a journal grown past its bound here', async () => {
    for (const [emptyJournalAtBytes, tailStoredHere] of [
      [1 << 30, false],
      [1, true],
    ] as const) {
      const { f, worker, s, mainThread } = openWithWorker({ emptyJournalAtBytes })
      worker.hold()
      s.commitUpdates(Array.from({ length: 10 }, (_, n) => ({ roomId: 'r1', update: fresh(n) })))
      await waitFor(() => worker.moved === 10, 'the first batch stored')
      // More arrives while the worker's answer is on its way.
      s.commitUpdates(Array.from({ length: 6 }, (_, n) => ({ roomId: 'r1', update: fresh(10 + n) })))
      worker.release()
      await waitFor(() => s.unflushed === 0, 'the tail stored')
      expect(statSync(f.journal).size).toBe(0)
      expect(mainThread.rows).toBe(tailStoredHere ? 6 : 0)
      expect(worker.moved).toBe(tailStoredHere ? 10 : 16)
    }
  })

  it('empties a journal past its bound with moves sent at once until a few rows are left to store here', async () => {
    const { f, worker, s, mainThread } = openWithWorker({ emptyJournalAtBytes: 1 })
    const arrivals = [20, 12, 3]
    let seq = 0
    const commit = (n: number) =>
      s.commitUpdates(Array.from({ length: n }, () => ({ roomId: 'r1', update: fresh(seq++ % 250) })))
    worker.afterMove = () => {
      const n = arrivals.shift()
      if (n) commit(n)
    }
    commit(10)
    await waitFor(() => s.unflushed === 0, 'the journal emptied')
    // 10, then the 20 and the 12 that arrived during moves, at once; the last 3 here.
    expect(worker.moves).toBe(3)
    expect(worker.moved).toBe(42)
    expect(mainThread.rows).toBe(3)
    expect(statSync(f.journal).size).toBe(0)
    expect(s.readUpdates('r1').map((u) => u.seq)).toEqual(Array.from({ length: 45 }, (_, n) => n + 1))
  })

  it('stores here what is left after a bounded number of such moves', async () => {
    const { f, worker, s, mainThread } = openWithWorker({ emptyJournalAtBytes: 1 })
    let seq = 0
    const commit = (n: number) =>
      s.commitUpdates(Array.from({ length: n }, () => ({ roomId: 'r1', update: fresh(seq++ % 250) })))
    // Every move brings more than a few rows: the load never lets up.
    worker.afterMove = () => commit(STORE_HERE_AT_MOST + 1)
    commit(10)
    await waitFor(() => mainThread.rows > 0, 'the rest stored here')
    worker.afterMove = null
    expect(worker.moves).toBe(1 + CATCH_UP_MOVES_AT_MOST)
    expect(mainThread.rows).toBe(STORE_HERE_AT_MOST + 1)
    expect(s.unflushed).toBe(0)
    expect(statSync(f.journal).size).toBe(0)
    expect(s.readUpdates('r1')).toHaveLength(10 + (1 + CATCH_UP_MOVES_AT_MOST) * (STORE_HERE_AT_MOST + 1))
  })

  it('the worker reads the new journal after a large one was replaced', async () => {
    const { f, worker, s, mainThread } = openWithWorker({ emptyJournalAtBytes: 1 })
    const big = new Uint8Array(1024).fill(7)
    s.commitUpdates(Array.from({ length: 300 }, (_, n) => ({ roomId: 'r1', update: { ...fresh(n), update: big } })))
    const before = statSync(f.journal).ino
    await waitFor(() => s.unflushed === 0 && statSync(f.journal).size === 0, 'the first journal stored and replaced')
    expect(statSync(f.journal).ino).not.toBe(before)
    s.commitUpdates(Array.from({ length: 5 }, (_, n) => ({ roomId: 'r1', update: fresh(n) })))
    await waitFor(() => s.unflushed === 0, 'the move from the new journal')
    expect(worker.moved).toBe(305)
    expect(mainThread.rows).toBe(0)
    const other = new SqliteStorage(f.db)
    ctx.onCleanup(() => other.close())
    const stored = other.readUpdates('r1')
    expect(stored.map((u) => u.seq)).toEqual(Array.from({ length: 305 }, (_, n) => n + 1))
    expect(stored.slice(300).map((u) => [...u.update])).toEqual([[0], [1], [2], [3], [4]])
  })

  it('the worker refuses a span that does not hold the records it was told of, and goes on working', async () => {
    const f = files()
    const sqlite = new SqliteStorage(f.db)
    ctx.onCleanup(() => sqlite.close())
    sqlite.createRoom({ id: 'r1', title: 'r1', createdAt: 1 }, hashes('r1'))
    const { journal } = UpdateJournal.open(f.journal)
    ctx.onCleanup(() => journal.close())
    journal.append([1, 2].map((seq) => ({ roomId: 'r1', seq, ...fresh(seq) })))
    const mover = new JournalMover(f.db, f.journal)
    ctx.onCleanup(() => mover.stop())
    await expect(mover.move({ from: 0, to: journal.bytes + 100, count: 3 })).rejects.toThrow(
      /expected 3 journal records, read 2/
    )
    expect(sqlite.readUpdates('r1')).toEqual([])
    await mover.move({ from: 0, to: journal.bytes, count: 2 })
    expect(sqlite.readUpdates('r1').map((u) => u.seq)).toEqual([1, 2])
    expect(mover.broken).toBeNull()
  })

  it('keeps what the worker could not store journaled and retries; stores here once the worker is gone', async () => {
    const errors: unknown[] = []
    const { f, worker, s } = openWithWorker({ flushMs: 20, onFlushError: (e) => errors.push(e) })
    const db = openSqliteDatabase(f.db)
    ctx.onCleanup(() => db.close())
    db.exec(`CREATE TRIGGER refuse BEFORE INSERT ON room_updates BEGIN SELECT RAISE(ABORT, 'disk full'); END`)
    s.commitUpdates([1, 2, 3].map((n) => ({ roomId: 'r1', update: fresh(n) })))
    await waitFor(() => errors.length >= 2, 'two failed moves')
    expect(String(errors[0])).toMatch(/disk full/)
    expect(s.unflushed).toBe(3)
    expect(statSync(f.journal).size).toBeGreaterThan(0)
    db.exec('DROP TRIGGER refuse')
    await waitFor(() => s.unflushed === 0, 'the retried move')
    expect(worker.moved).toBe(3)

    // Without its worker (stopped, or crashed) the moves run on the event loop again.
    await worker.mover.stop()
    expect(worker.mover.broken).not.toBeNull()
    s.commitUpdates([{ roomId: 'r1', update: fresh(4) }])
    await waitFor(() => s.unflushed === 0, 'a move on the event loop')
    expect(worker.moved).toBe(3)
    expect(s.readUpdates('r1').map((u) => u.seq)).toEqual([1, 2, 3, 4])
  })
})
