import type { Role } from '@loopboard/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { SqliteStorage } from '../storage/SqliteStorage.ts'
import { asyncStorage } from '../storage/AsyncStorage.ts'
import type { NewUpdate } from '../storage/Storage.ts'
import { AT_ONCE_PER_TURN, UpdateBatcher } from './UpdateBatcher.ts'

/** The real SQLite storage, counting its batched commits. */
class CountingStorage extends SqliteStorage {
  commits: number[] = []
  override commitUpdates(batch: ReadonlyArray<{ roomId: string; update: NewUpdate }>): number[] {
    const seqs = super.commitUpdates(batch)
    this.commits.push(batch.length)
    return seqs
  }
}

const open: SqliteStorage[] = []
afterEach(() => {
  for (const s of open.splice(0)) s.close()
})

function setup(...rooms: string[]) {
  const storage = new CountingStorage(':memory:')
  open.push(storage)
  for (const id of rooms) {
    storage.createRoom(
      { id, title: id, createdAt: 0 },
      { interviewer: `${id}-i`, candidate: `${id}-c`, observer: `${id}-o` }
    )
  }
  return { storage, batcher: new UpdateBatcher(asyncStorage(storage)) }
}

const update = (seq: number, author: Role = 'candidate'): NewUpdate => ({
  ts: 1_000 + seq,
  author,
  update: new Uint8Array([seq]),
})
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

describe('UpdateBatcher', () => {
  it('commits what one event-loop turn appended in one transaction, then reports each as stored', async () => {
    const { storage, batcher } = setup('r1', 'r2')
    const events: string[] = []
    const stored = (name: string, roomId: string) => () =>
      events.push(`${name} stored (log of ${roomId}: ${storage.readUpdates(roomId).length})`)
    const failed = () => events.push('failed')
    batcher.append('r1', update(1), stored('a', 'r1'), failed)
    batcher.append('r2', update(1), stored('b', 'r2'), failed)
    batcher.append('r1', update(2), stored('c', 'r1'), failed)
    // Nothing is on disk, and nobody told, within the turn that appended.
    expect(storage.readUpdates('r1')).toEqual([])
    expect(events).toEqual([])
    await nextTurn()
    expect(storage.commits).toEqual([3])
    // Each `stored` runs after the whole batch is committed, in append order.
    expect(events).toEqual(['a stored (log of r1: 2)', 'b stored (log of r2: 1)', 'c stored (log of r1: 2)'])
    batcher.append('r2', update(2), stored('d', 'r2'), failed)
    await nextTurn()
    expect(storage.commits).toEqual([3, 1])
  })

  it('a failed commit stores none of the batch and tells every member, not one of them stored', async () => {
    const { storage, batcher } = setup('r1')
    const stored: string[] = []
    const failures: unknown[] = []
    batcher.append(
      'r1',
      update(1),
      () => stored.push('r1'),
      (error) => failures.push(error)
    )
    // An update for a room that does not exist fails the transaction (foreign key).
    batcher.append(
      'ghost',
      update(1),
      () => stored.push('ghost'),
      (error) => failures.push(error)
    )
    await nextTurn()
    expect(storage.readUpdates('r1')).toEqual([])
    expect(stored).toEqual([])
    expect(failures).toHaveLength(2)
    expect(failures[0]).toBeInstanceOf(Error)
    expect(failures[1]).toBe(failures[0])
    // The batcher is not stuck: the next turn commits again.
    batcher.append(
      'r1',
      update(1),
      () => stored.push('r1 again'),
      (error) => failures.push(error)
    )
    await nextTurn()
    expect(stored).toEqual(['r1 again'])
    expect(storage.readUpdates('r1').map((u) => u.seq)).toEqual([1])
  })

  it('one member whose after-store step throws is told it failed; the others are still reported stored', async () => {
    const { batcher } = setup('r1', 'r2')
    const seen: string[] = []
    batcher.append(
      'r1',
      update(1),
      () => {
        throw new Error('snapshot failed')
      },
      (error) => seen.push(`r1 failed: ${(error as Error).message}`)
    )
    batcher.append(
      'r2',
      update(1),
      () => seen.push('r2 stored'),
      () => seen.push('r2 failed')
    )
    await nextTurn()
    expect(seen).toEqual(['r1 failed: snapshot failed', 'r2 stored'])
  })

  it('flush commits at once (shutdown) and leaves nothing for the scheduled turn', async () => {
    const { storage, batcher } = setup('r1')
    let stored = 0
    batcher.append(
      'r1',
      update(1),
      () => stored++,
      () => {}
    )
    await batcher.flush()
    expect(storage.readUpdates('r1')).toHaveLength(1)
    expect(stored).toBe(1)
    await nextTurn()
    expect(storage.commits).toEqual([1])
    await batcher.flush()
    expect(storage.commits).toEqual([1])
  })

  it('gives each update the seq storage allocated, in append order per room', async () => {
    const { batcher } = setup('r1', 'r2')
    const seqs: string[] = []
    for (const [roomId, n] of [
      ['r1', 1],
      ['r2', 2],
      ['r1', 3],
    ] as const) {
      batcher.append(
        roomId,
        update(n),
        (seq) => seqs.push(`${roomId}:${seq}`),
        () => {}
      )
    }
    await batcher.flush()
    expect(seqs).toEqual(['r1:1', 'r2:1', 'r1:2'])
  })

  it('keeps one commit in flight: what is appended meanwhile goes in the next, after it', async () => {
    const { storage } = setup('r1')
    // A storage whose commits wait until released, as a networked database's round trip does.
    const releases: Array<() => void> = []
    const slow = {
      commitUpdates: async (batch: Parameters<SqliteStorage['commitUpdates']>[0]) => {
        await new Promise<void>((resolve) => releases.push(resolve))
        return storage.commitUpdates(batch)
      },
    }
    const batcher = new UpdateBatcher(slow)
    const order: number[] = []
    batcher.append(
      'r1',
      update(1),
      (seq) => order.push(seq),
      () => {}
    )
    const first = batcher.flush()
    batcher.append(
      'r1',
      update(2),
      (seq) => order.push(seq),
      () => {}
    )
    batcher.append(
      'r1',
      update(3),
      (seq) => order.push(seq),
      () => {}
    )
    const second = batcher.flush()
    await nextTurn()
    expect(releases).toHaveLength(1) // the second batch waits for the first
    releases.shift()!()
    await first
    expect(order).toEqual([1])
    await nextTurn()
    releases.shift()!()
    await second
    expect(order).toEqual([1, 2, 3])
    expect(storage.commits).toEqual([1, 2])
  })

  it('with a synchronous commit, stores and reports each update before append returns', async () => {
    const { storage } = setup('r1')
    const batcher = new UpdateBatcher(asyncStorage(storage), undefined, (batch) => storage.commitUpdates(batch))
    const events: string[] = []
    batcher.append(
      'r1',
      update(1),
      (seq) => events.push(`stored ${seq}`),
      () => events.push('failed')
    )
    batcher.append(
      'r1',
      update(2),
      (seq) => events.push(`stored ${seq}`),
      () => events.push('failed')
    )
    expect(events).toEqual(['stored 1', 'stored 2'])
    expect(storage.commits).toEqual([1, 1])
    expect(batcher.busy).toBe(false)
    // An unknown room fails at once and stores nothing; a throwing after-store step is a failure too.
    batcher.append(
      'ghost',
      update(3),
      () => events.push('stored ghost'),
      (e) => events.push(`failed ${String(e)}`)
    )
    batcher.append(
      'r1',
      update(4),
      () => {
        throw new Error('snapshot broke')
      },
      (e) => events.push(`failed ${String(e)}`)
    )
    expect(events.slice(2)).toEqual([expect.stringMatching(/^failed .*FOREIGN KEY/), 'failed Error: snapshot broke'])
    await batcher.flush()
    expect(storage.readUpdates('r1').map((u) => u.seq)).toEqual([1, 2, 3])
  })

  it('with a synchronous commit, a turn with many updates commits the rest together at its end, in order', async () => {
    const { storage } = setup('r1')
    const calls: number[] = []
    const batcher = new UpdateBatcher(asyncStorage(storage), undefined, (batch) => {
      calls.push(batch.length)
      return storage.commitUpdates(batch)
    })
    const stored: number[] = []
    const n = AT_ONCE_PER_TURN + 3
    for (let i = 1; i <= n; i++)
      batcher.append(
        'r1',
        update(i),
        (seq) => stored.push(seq),
        () => {}
      )
    // The first ones at once, the rest queued for the end of the turn.
    expect(stored).toEqual(Array.from({ length: AT_ONCE_PER_TURN }, (_, i) => i + 1))
    expect(batcher.busy).toBe(true)
    await nextTurn()
    await batcher.flush()
    expect(stored).toEqual(Array.from({ length: n }, (_, i) => i + 1))
    expect(calls).toEqual([...Array<number>(AT_ONCE_PER_TURN).fill(1), 3])
    // The next turn starts at once again.
    batcher.append(
      'r1',
      update(n + 1),
      (seq) => stored.push(seq),
      () => {}
    )
    expect(stored.at(-1)).toBe(n + 1)
  })
})
