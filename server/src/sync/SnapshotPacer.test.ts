import { afterEach, describe, expect, it } from 'vitest'
import { turnCounter } from '../test/turnCounter.ts'
import { SnapshotPacer } from './SnapshotPacer.ts'

const settle = (ms = 20) => new Promise((resolve) => setTimeout(resolve, ms))

/** Snapshot tasks that count their runs in `counted.runs`, each a distinct task. */
function counting() {
  const counted = {
    runs: 0,
    task: (): (() => Promise<void>) => async () => {
      counted.runs++
    },
  }
  return counted
}

let counters: Array<ReturnType<typeof turnCounter>> = []
afterEach(() => {
  for (const c of counters) c.stop()
  counters = []
})

describe('SnapshotPacer', () => {
  it('runs the snapshots asked for in one turn one per turn, in order', async () => {
    const counter = turnCounter()
    counters.push(counter)
    const pacer = new SnapshotPacer()
    const ran: Array<{ id: number; turn: number }> = []
    for (let id = 0; id < 5; id++) {
      pacer.request(async () => {
        ran.push({ id, turn: counter.turn })
      })
    }
    expect(pacer.size).toBe(5)
    expect(ran).toEqual([]) // nothing runs in the turn that asked
    await settle()
    expect(ran.map((r) => r.id)).toEqual([0, 1, 2, 3, 4])
    const turns = ran.map((r) => r.turn)
    expect(new Set(turns).size).toBe(5)
    expect(pacer.size).toBe(0)
  })

  it('does not let a snapshot whose write never ends hold up the others', async () => {
    const pacer = new SnapshotPacer()
    const ran: string[] = []
    pacer.request(() => {
      ran.push('hangs')
      return new Promise<void>(() => {})
    })
    pacer.request(async () => {
      ran.push('next')
    })
    await settle()
    expect(ran).toEqual(['hangs', 'next'])
  })

  it('goes on after a snapshot that throws or rejects', async () => {
    const pacer = new SnapshotPacer()
    const ran: string[] = []
    pacer.request(() => {
      ran.push('throws')
      throw new Error('disk full')
    })
    pacer.request(async () => {
      ran.push('rejects')
      throw new Error('disk full')
    })
    pacer.request(async () => {
      ran.push('fine')
    })
    await settle()
    expect(ran).toEqual(['throws', 'rejects', 'fine'])
  })

  it('runs a snapshot asked for twice before its turn once', async () => {
    const pacer = new SnapshotPacer()
    const counted = counting()
    const task = counted.task()
    pacer.request(task)
    pacer.request(task)
    await settle()
    expect(counted.runs).toBe(1)
    // Asked again after it ran: it runs again.
    pacer.request(task)
    await settle()
    expect(counted.runs).toBe(2)
  })

  it('drops what waits when stopped and takes nothing after', async () => {
    const pacer = new SnapshotPacer()
    const counted = counting()
    const task = counted.task()
    pacer.request(task)
    pacer.request(counted.task())
    pacer.stop()
    pacer.request(task)
    await settle()
    expect(counted.runs).toBe(0)
    expect(pacer.size).toBe(0)
  })
})
