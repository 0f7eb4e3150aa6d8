import { Replayer, type LoggedUpdate } from '@loopboard/board-replay'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { ReplayCursor } from './ReplayCursor.ts'

/** A session of record edits, one logged update per step, 100 ms apart. */
function session(steps: number) {
  const doc = new Y.Doc()
  const log: LoggedUpdate[] = []
  let now = 10_000
  doc.on('update', (update: Uint8Array) => log.push({ ts: now, update }))
  const records = doc.getMap<Y.Map<unknown>>('tldraw')
  for (let i = 0; i < steps; i++) {
    now += 100
    const id = `shape:${i % 13}`
    if (i % 9 === 8) records.delete(id)
    else if (!records.has(id)) records.set(id, new Y.Map<unknown>(Object.entries({ id, typeName: 'shape', x: i })))
    else records.get(id)!.set('x', i)
  }
  return log
}

describe('ReplayCursor', () => {
  const log = session(500)
  const replayer = new Replayer(log, 50)
  const at = (t: number) => replayer.docAt(t).getMap('tldraw').toJSON()

  it('lands on the same board as the replayer, forward step by step, backward and far', () => {
    const cursor = new ReplayCursor(replayer, { maxForward: 20 })
    const times = [10_050, 10_350, 10_950, 12_000, 11_000, 60_000, 10_000, 14_400, 14_500, 14_650]
    for (const t of times) {
      cursor.moveTo(t)
      expect(cursor.records.toJSON()).toEqual(at(t))
      expect(cursor.count).toBe(replayer.countAt(t))
    }
  })

  it('reports the records a short forward move touched, and a rebuild otherwise', () => {
    // The first move, however short, reports a rebuild: the store it feeds may hold anything.
    expect(new ReplayCursor(replayer, { maxForward: 20 }).moveTo(10_150)).toEqual({ rebuilt: true })
    const cursor = new ReplayCursor(replayer, { maxForward: 20 })
    cursor.moveTo(10_000)
    expect(cursor.moveTo(13_000)).toEqual({ rebuilt: true }) // 30 updates: more than 20
    // Steps 30..32 touch shape:4 (re-created after its deletion at step 17), shape:5 and shape:6.
    expect(cursor.moveTo(13_300)).toEqual({ rebuilt: false, ids: new Set(['shape:4', 'shape:5', 'shape:6']) })
    // Steps 33..35: shape:7 and shape:8 move, shape:9 is deleted.
    expect(cursor.moveTo(13_600)).toEqual({ rebuilt: false, ids: new Set(['shape:7', 'shape:8', 'shape:9']) })
    expect(cursor.records.has('shape:9')).toBe(false)
    expect(cursor.moveTo(13_650)).toEqual({ rebuilt: false, ids: new Set() })
    expect(cursor.moveTo(10_100)).toEqual({ rebuilt: true })
    cursor.destroy()
  })
})
