import { Replayer, type LoggedUpdate } from '@loopboard/recording'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { ReplayIndex } from './ReplayIndex.ts'

/** Two peers editing records (sets, overwrites, deletes, re-creations), every update logged. */
function session(steps: number): LoggedUpdate[] {
  const a = new Y.Doc()
  const b = new Y.Doc()
  const log: LoggedUpdate[] = []
  let now = 5_000
  for (const [from, to] of [
    [a, b],
    [b, a],
  ] as const) {
    from.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === 'remote') return
      log.push({ ts: now, update })
      Y.applyUpdate(to, update, 'remote')
    })
  }
  for (let i = 0; i < steps; i++) {
    now += 10 + (i % 3) * 7
    const records = (i % 4 === 0 ? b : a).getMap<Y.Map<unknown>>('tldraw')
    const id = `shape:${i % 11}`
    if (i % 6 === 5) records.delete(id)
    else if (!records.has(id)) records.set(id, new Y.Map<unknown>(Object.entries({ id, x: i, label: `s${i}` })))
    else records.get(id)!.set(i % 2 ? 'x' : 'label', i % 2 ? i : `s${i}`)
  }
  return log
}

describe('ReplayIndex', () => {
  const log = session(600)
  const oracle = new Replayer(log, 10_000) // no checkpoints: replays the whole log every time

  it('rebuilds the same board as the Replayer at every moment, whatever the spacing', () => {
    for (const every of [1, 37, 500, 10_000]) {
      const index = new ReplayIndex(log, every)
      for (let i = 0; i < log.length; i += 23) {
        const t = log[i]!.ts
        expect(index.docAt(t).getMap('tldraw').toJSON()).toEqual(oracle.docAt(t).getMap('tldraw').toJSON())
      }
      expect(
        index
          .docAt(index.end + 1)
          .getMap('tldraw')
          .toJSON()
      ).toEqual(oracle.docAt(oracle.end).getMap('tldraw').toJSON())
      expect(
        index
          .docAt(index.start - 1)
          .getMap('tldraw')
          .toJSON()
      ).toEqual({})
    }
  })

  it('counts like the Replayer and refuses an out-of-order log', () => {
    const index = new ReplayIndex(log)
    for (const t of [0, log[0]!.ts, log[99]!.ts, log[99]!.ts + 1, Number.MAX_SAFE_INTEGER]) {
      expect(index.countAt(t)).toBe(oracle.countAt(t))
    }
    expect([index.start, index.end]).toEqual([oracle.start, oracle.end])
    expect(() => new ReplayIndex([log[1]!, log[0]!])).toThrow('older')
  })

  it('is empty for an empty log', () => {
    const index = new ReplayIndex([])
    expect(index.docAt(123).getMap('tldraw').size).toBe(0)
    expect([index.start, index.end, index.countAt(5)]).toEqual([0, 0, 0])
  })
})
