import type { TLGeoShape, TLRecord, TLStore } from '@tldraw/tlschema'
import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { bindStoreToYDoc, DEFAULT_RECORDS_MAP } from './bindStoreToYDoc.ts'
import { flush, geo, makeStore, Network, recolor, seedRecords } from './test/testStore.ts'

function pair() {
  const a = { store: makeStore(), doc: new Y.Doc() }
  const b = { store: makeStore(), doc: new Y.Doc() }
  const net = new Network([a.doc, b.doc])
  a.store.put(seedRecords())
  const unbindA = bindStoreToYDoc(a)
  const unbindB = bindStoreToYDoc(b)
  return { a, b, net, unbind: () => (unbindA(), unbindB()) }
}

const shapeOf = (store: TLStore, name: string) =>
  store.get(`shape:${name}` as TLGeoShape['id']) as TLGeoShape | undefined

const docRecords = (store: TLStore) =>
  store
    .allRecords()
    .filter((r) => store.schema.types[r.typeName].scope === 'document')
    .sort((x, y) => x.id.localeCompare(y.id))

describe('bindStoreToYDoc', () => {
  it('seeds an empty doc from the store and loads a non-empty doc into the store', () => {
    const { a, b } = pair()
    expect(a.doc.getMap(DEFAULT_RECORDS_MAP).size).toBe(2)
    expect(docRecords(b.store)).toEqual(docRecords(a.store))
  })

  it('sends shapes both ways', () => {
    const { a, b } = pair()
    a.store.put([geo('one', { x: 10 })])
    flush(a.store)
    expect(shapeOf(b.store, 'one')?.x).toBe(10)

    b.store.put([geo('two', { y: 20 })])
    flush(b.store)
    expect(shapeOf(a.store, 'two')?.y).toBe(20)

    a.store.remove([geo('two').id])
    flush(a.store)
    expect(shapeOf(b.store, 'two')).toBeUndefined()
    expect(docRecords(a.store)).toEqual(docRecords(b.store))
  })

  it('sends only the fields that changed when a shape moves', () => {
    const { a, b } = pair()
    a.store.put([geo('one')])
    flush(a.store)
    const updates: Uint8Array[] = []
    a.doc.on('update', (u: Uint8Array) => updates.push(u))
    a.store.update(geo('one').id, (s) => ({ ...s, x: 5, y: 7 }))
    flush(a.store)
    expect(updates).toHaveLength(1)
    const { structs } = Y.decodeUpdate(updates[0]!)
    expect(structs).toHaveLength(2) // x and y, nothing else
    expect(shapeOf(b.store, 'one')).toMatchObject({ x: 5, y: 7 })
  })

  it('keeps both sides of concurrent edits to different fields of one shape', () => {
    const { a, b, net } = pair()
    a.store.put([geo('one')])
    flush(a.store)
    net.cut()
    a.store.update(geo('one').id, (s) => ({ ...s, x: 300 }))
    b.store.update(geo('one').id, (s) => ({ ...s, rotation: 1.5 }))
    flush(a.store, b.store)
    net.heal()
    for (const side of [a, b]) {
      expect(shapeOf(side.store, 'one')).toMatchObject({ x: 300, rotation: 1.5 })
    }
  })

  it('converges when both sides change the same field, and when one deletes what the other edits', () => {
    const { a, b, net } = pair()
    a.store.put([geo('one'), geo('two')])
    flush(a.store)
    net.cut()
    recolor(a.store, geo('one').id, 'red')
    recolor(b.store, geo('one').id, 'blue')
    a.store.remove([geo('two').id])
    b.store.update(geo('two').id, (s) => ({ ...s, x: 99 }))
    flush(a.store, b.store)
    net.heal({ reverse: true })
    expect(docRecords(a.store)).toEqual(docRecords(b.store))
    expect(['red', 'blue']).toContain(shapeOf(a.store, 'one')?.props.color)
    expect(shapeOf(a.store, 'two')).toBeUndefined()
  })

  it('applies remote changes as remote, so they never enter the local undo history', () => {
    const { a, b } = pair()
    const sources: string[] = []
    b.store.listen((entry) => sources.push(entry.source), { scope: 'document' })
    a.store.put([geo('one')])
    flush(a.store, b.store)
    expect(sources).toEqual(['remote'])
  })

  it('does not echo remote changes back into the doc', () => {
    const { a, b } = pair()
    let bWrites = 0
    b.doc.on('update', (_u: Uint8Array, origin: unknown) => {
      if (origin !== null && typeof origin === 'symbol') bWrites++
    })
    a.store.put([geo('one')])
    flush(a.store, b.store)
    expect(bWrites).toBe(0)
  })

  it('skips a record the local schema rejects and keeps syncing the rest', () => {
    const { a, b } = pair()
    const onInvalidRecord = vi.fn()
    const c = { store: makeStore(), doc: new Y.Doc() }
    const records = a.doc.getMap<Y.Map<unknown>>(DEFAULT_RECORDS_MAP)
    a.doc.transact(() => {
      const bad = new Y.Map<unknown>(Object.entries({ ...geo('bad'), x: 'not a number' }))
      records.set('shape:bad', bad)
      records.set('shape:junk', 42 as never)
    })
    Y.applyUpdate(c.doc, Y.encodeStateAsUpdate(a.doc))
    bindStoreToYDoc({ ...c, onInvalidRecord })
    expect(onInvalidRecord).toHaveBeenCalledTimes(2)
    expect(docRecords(c.store).map((r: TLRecord) => r.id)).toEqual(['document:document', 'page:page'])

    const net = new Network([a.doc, c.doc])
    a.store.put([geo('good')])
    flush(a.store)
    expect(shapeOf(c.store, 'good')).toBeDefined()
    expect(shapeOf(b.store, 'bad')).toBeUndefined()
    void net
  })

  it('stops syncing after unbind', () => {
    const { a, b, unbind } = pair()
    unbind()
    a.store.put([geo('one')])
    flush(a.store)
    expect(shapeOf(b.store, 'one')).toBeUndefined()
  })
})
