import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { fromBase64, toBase64 } from './base64.ts'
import { Replayer, type LoggedUpdate } from './Replayer.ts'

/** A live session: two docs editing, every effective update logged with a (fake) server time. */
function recordSession(steps: number) {
  const a = new Y.Doc()
  const b = new Y.Doc()
  const log: LoggedUpdate[] = []
  const snapshots = new Map<number, unknown>()
  let now = 1_000_000
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
    now += 37 + (i % 5) * 11
    const doc = i % 3 === 0 ? b : a
    const shapes = doc.getMap<Y.Map<unknown>>('tldraw')
    const id = `shape:${i % 17}`
    if (i % 7 === 6) shapes.delete(id)
    else if (!shapes.has(id)) shapes.set(id, new Y.Map(Object.entries({ id, x: i, y: 0 })))
    else shapes.get(id)!.set('x', i)
    snapshots.set(now, a.getMap('tldraw').toJSON())
  }
  return { log, snapshots, final: a.getMap('tldraw').toJSON() }
}

describe('Replayer', () => {
  it('rebuilds the doc at time t exactly as it was live at t', () => {
    const { log, snapshots, final } = recordSession(700)
    const replayer = new Replayer(log, 50)
    let i = 0
    for (const [t, expected] of snapshots) {
      if (i++ % 10 !== 0) continue // every tenth moment keeps the test fast
      expect(replayer.docAt(t).getMap('tldraw').toJSON()).toEqual(expected)
    }
    expect(replayer.docAt(replayer.end).getMap('tldraw').toJSON()).toEqual(final)
    expect(
      replayer
        .docAt(replayer.start - 1)
        .getMap('tldraw')
        .toJSON()
    ).toEqual({})
  })

  it('gives the same answer whatever the checkpoint spacing', () => {
    const { log } = recordSession(300)
    const dense = new Replayer(log, 7)
    const none = new Replayer(log, 10_000)
    for (const t of [log[10]!.ts, log[Math.floor(log.length / 2)]!.ts, log[log.length - 1]!.ts]) {
      expect(dense.docAt(t).getMap('tldraw').toJSON()).toEqual(none.docAt(t).getMap('tldraw').toJSON())
    }
  })

  it('counts updates at a time and refuses an out-of-order log', () => {
    const { log } = recordSession(20)
    const replayer = new Replayer(log)
    expect(replayer.countAt(log[4]!.ts)).toBe(5)
    expect(replayer.countAt(0)).toBe(0)
    expect(() => new Replayer([log[1]!, log[0]!])).toThrow('older')
  })

  it('round-trips updates through base64', () => {
    const bytes = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 31) % 256)
    expect(fromBase64(toBase64(bytes))).toEqual(bytes)
  })
})
