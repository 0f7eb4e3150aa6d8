import type { TLDrawShape, TLGeoShape, TLRecord, TLStore } from '@tldraw/tlschema'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { bindStoreToYDoc } from '../bindStoreToYDoc.ts'
import {
  flush,
  geo,
  growStroke,
  makeStore,
  Network,
  recolor,
  relabel,
  seedRecords,
  stroke,
  strokePoints,
} from './testStore.ts'
import { mulberry32 } from './mulberry32.ts'

const COLORS = ['black', 'red', 'blue', 'green'] as const

function snapshot(store: TLStore): TLRecord[] {
  return store
    .allRecords()
    .filter((r) => store.schema.types[r.typeName].scope === 'document')
    .sort((a, b) => a.id.localeCompare(b.id))
}

const WORDS = ['cache', 'queue', 'shard', 'replica', 'p99']

function randomOp(store: TLStore, rand: () => number) {
  const shapes = store.allRecords().filter((r): r is TLGeoShape | TLDrawShape => r.typeName === 'shape')
  const roll = rand()
  if (roll < 0.25 || shapes.length === 0) {
    // An id keeps its shape type (tldraw never changes a shape's type in place).
    const n = Math.floor(rand() * 12)
    if (rand() < 0.3) store.put([stroke(`d${n}`, strokePoints(1 + Math.floor(rand() * 4)))])
    else store.put([geo(`s${n}`, { x: Math.round(rand() * 500) })])
  } else {
    const shape = shapes[Math.floor(rand() * shapes.length)]!
    if (roll < 0.35) store.remove([shape.id])
    else if (roll < 0.5) store.update(shape.id, (s) => ({ ...s, x: s.x + 1, y: Math.round(rand() * 100) }))
    else if (roll < 0.6) {
      const color = COLORS[Math.floor(rand() * COLORS.length)]!
      recolor(store, shape.id as TLGeoShape['id'], color)
    } else if (shape.type === 'draw') {
      // The stroke grows (a text-only edit, coalesced) by a few points.
      const n = 1 + Math.floor(rand() * 3)
      const points = [...strokePoints(2 + Math.floor(rand() * 3)), ...strokePoints(n, { x: 9, y: 9 })]
      growStroke(store, shape.id, points)
    } else {
      // Type into, or rewrite, the label.
      const word = WORDS[Math.floor(rand() * WORDS.length)]!
      const text = rand() < 0.7 ? `${labelText(shape)}${word.slice(0, 1 + Math.floor(rand() * word.length))}` : word
      relabel(store, shape.id, text)
    }
  }
}

const labelText = (shape: TLGeoShape) =>
  ((shape.props.richText.content[0] as { content?: Array<{ text: string }> } | undefined)?.content ?? [])
    .map((n) => n.text)
    .join('')

/** Coalescing timers that fire when the test says so, at random points between operations. */
function manualTimers() {
  let due: Array<() => void> = []
  return {
    schedule: (callback: () => void) => {
      due.push(callback)
      return () => {
        due = due.filter((c) => c !== callback)
      }
    },
    fire: () => {
      const now = due
      due = []
      for (const callback of now) callback()
    },
  }
}

describe('three stores editing through partitions', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`converges (seed ${seed})`, () => {
      const rand = mulberry32(seed)
      const peers = [0, 1, 2].map(() => ({ store: makeStore(), doc: new Y.Doc(), timers: manualTimers() }))
      const net = new Network(peers.map((p) => p.doc))
      peers[0]!.store.put(seedRecords())
      for (const peer of peers) bindStoreToYDoc({ ...peer, schedule: peer.timers.schedule })

      for (let step = 0; step < 200; step++) {
        if (rand() < 0.1) net.cut()
        const peer = peers[Math.floor(rand() * peers.length)]!
        randomOp(peer.store, rand)
        flush(peer.store)
        if (rand() < 0.3) peer.timers.fire()
        if (rand() < 0.1) net.heal({ reverse: rand() < 0.5 })
      }
      for (const peer of peers) peer.timers.fire()
      net.heal()
      const expected = snapshot(peers[0]!.store)
      for (const peer of peers.slice(1)) expect(snapshot(peer.store)).toEqual(expected)
      // And the stores agree with their docs: a fresh store loaded from any doc matches.
      const fresh = { store: makeStore(), doc: new Y.Doc() }
      Y.applyUpdate(fresh.doc, Y.encodeStateAsUpdate(peers[1]!.doc))
      bindStoreToYDoc(fresh)
      expect(snapshot(fresh.store)).toEqual(expected)
    })
  }
})
