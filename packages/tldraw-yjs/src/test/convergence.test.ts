import type { TLGeoShape, TLRecord, TLStore } from '@tldraw/tlschema'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { bindStoreToYDoc } from '../bindStoreToYDoc.ts'
import { flush, geo, makeStore, Network, recolor, seedRecords } from './testStore.ts'

/** Small deterministic PRNG so a failing seed can be replayed. */
function mulberry32(seed: number) {
  return () => {
    seed |= 0
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const COLORS = ['black', 'red', 'blue', 'green'] as const

function snapshot(store: TLStore): TLRecord[] {
  return store
    .allRecords()
    .filter((r) => store.schema.types[r.typeName].scope === 'document')
    .sort((a, b) => a.id.localeCompare(b.id))
}

function randomOp(store: TLStore, rand: () => number) {
  const shapes = store.allRecords().filter((r): r is TLGeoShape => r.typeName === 'shape')
  const roll = rand()
  if (roll < 0.3 || shapes.length === 0) {
    store.put([geo(`s${Math.floor(rand() * 12)}`, { x: Math.round(rand() * 500) })])
  } else {
    const shape = shapes[Math.floor(rand() * shapes.length)]!
    if (roll < 0.5) store.remove([shape.id])
    else if (roll < 0.75) store.update(shape.id, (s) => ({ ...s, x: s.x + 1, y: Math.round(rand() * 100) }))
    else {
      const color = COLORS[Math.floor(rand() * COLORS.length)]!
      recolor(store, shape.id, color)
    }
  }
}

describe('three stores editing through partitions', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`converges (seed ${seed})`, () => {
      const rand = mulberry32(seed)
      const peers = [0, 1, 2].map(() => ({ store: makeStore(), doc: new Y.Doc() }))
      const net = new Network(peers.map((p) => p.doc))
      peers[0]!.store.put(seedRecords())
      for (const peer of peers) bindStoreToYDoc(peer)

      for (let step = 0; step < 200; step++) {
        if (rand() < 0.1) net.cut()
        const peer = peers[Math.floor(rand() * peers.length)]!
        randomOp(peer.store, rand)
        flush(peer.store)
        if (rand() < 0.1) net.heal({ reverse: rand() < 0.5 })
      }
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
