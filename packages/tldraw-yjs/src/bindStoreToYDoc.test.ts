import type { TLDrawShape, TLGeoShape, TLRecord, TLStore } from '@tldraw/tlschema'
import { toRichText } from '@tldraw/tlschema'
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { bindStoreToYDoc, DEFAULT_RECORDS_MAP, TEXT_COALESCE_MS, type BindStoreOptions } from './bindStoreToYDoc.ts'
import {
  flush,
  geo,
  growStroke,
  labelOf,
  makeStore,
  Network,
  recolor,
  relabel,
  seedRecords,
  stroke,
  strokePoints,
} from './test/testStore.ts'

type Options = Partial<Pick<BindStoreOptions, 'coalesceTextMs'>>

function pair(options: Options = {}) {
  const a = { store: makeStore(), doc: new Y.Doc() }
  const b = { store: makeStore(), doc: new Y.Doc() }
  const net = new Network([a.doc, b.doc])
  a.store.put(seedRecords())
  const unbindA = bindStoreToYDoc({ ...a, ...options })
  const unbindB = bindStoreToYDoc({ ...b, ...options })
  return { a, b, net, unbind: () => (unbindA(), unbindB()) }
}

afterEach(() => vi.useRealTimers())

const shapeOf = (store: TLStore, name: string) =>
  store.get(`shape:${name}` as TLGeoShape['id']) as TLGeoShape | undefined
const strokeOf = (store: TLStore, name: string) =>
  store.get(`shape:${name}` as TLDrawShape['id']) as TLDrawShape | undefined
const bytes = (updates: Uint8Array[]) => updates.reduce((n, u) => n + u.byteLength, 0)

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

  it('a read-only client writes nothing, not even its defaults into an empty doc, and reads the board when it arrives', () => {
    const doc = new Y.Doc()
    const writes: Uint8Array[] = []
    doc.on('update', (update: Uint8Array) => writes.push(update))
    const store = makeStore()
    store.put(seedRecords())
    bindStoreToYDoc({ store, doc, writable: false })
    store.put([geo('mine', { x: 5 })])
    flush(store)
    expect(writes).toEqual([])

    // The board arrives from a writer: the read-only store shows it.
    const writer = { store: makeStore(), doc: new Y.Doc() }
    writer.store.put([...seedRecords(), geo('theirs', { x: 7 })])
    bindStoreToYDoc(writer)
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(writer.doc), 'remote')
    expect(shapeOf(store, 'theirs')?.x).toBe(7)
    expect(writes).toHaveLength(1) // only what arrived
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

describe('bindStoreToYDoc: growing strokes and typed labels', () => {
  it('sends a growing stroke as appends: every frame reaches the peer, bytes grow linearly', () => {
    vi.useFakeTimers()
    const { a, b } = pair()
    const points = strokePoints(1)
    a.store.put([stroke('s', points)])
    flush(a.store)
    const updates: Uint8Array[] = []
    a.doc.on('update', (u: Uint8Array) => updates.push(u))
    for (let frame = 0; frame < 600; frame++) {
      points.push(...strokePoints(1, points.at(-1)))
      growStroke(a.store, strokeOf(a.store, 's')!.id, points)
      flush(a.store)
      vi.advanceTimersByTime(16)
    }
    vi.advanceTimersByTime(TEXT_COALESCE_MS)
    expect(strokeOf(b.store, 's')).toEqual(strokeOf(a.store, 's'))
    const finalRecord = JSON.stringify(strokeOf(a.store, 's')).length
    // Whole-path resends would be ~1 MB; appends coalesced per ~7 frames stay under 2x the record.
    expect(bytes(updates)).toBeLessThan(2 * finalRecord)
    expect(updates.length).toBeLessThan(600 / 5)
  })

  it('writes at once with coalescing off, and a non-text change goes out at once with the text before it', () => {
    vi.useFakeTimers()
    const off = pair({ coalesceTextMs: 0 })
    const points = strokePoints(5)
    off.a.store.put([stroke('s', points)])
    flush(off.a.store)
    growStroke(off.a.store, strokeOf(off.a.store, 's')!.id, [...points, ...strokePoints(1, points.at(-1))])
    flush(off.a.store)
    expect(strokeOf(off.b.store, 's')).toEqual(strokeOf(off.a.store, 's'))

    const { a, b } = pair()
    a.store.put([stroke('s', points)])
    flush(a.store)
    const nested = [...points, ...strokePoints(1, points.at(-1))]
    growStroke(a.store, strokeOf(a.store, 's')!.id, nested) // the first growth nests props, at once
    flush(a.store)
    expect(strokeOf(b.store, 's')?.props.segments).toEqual(stroke('s', nested).props.segments)
    const grown = [...nested, ...strokePoints(3, nested.at(-1))]
    growStroke(a.store, strokeOf(a.store, 's')!.id, grown)
    flush(a.store)
    expect(strokeOf(b.store, 's')?.props.segments).toEqual(stroke('s', nested).props.segments) // coalescing
    const done = strokeOf(a.store, 's')!
    a.store.put([{ ...done, props: { ...done.props, isComplete: true } }])
    flush(a.store)
    expect(strokeOf(b.store, 's')).toEqual(strokeOf(a.store, 's'))
  })

  it("keeps unsent stroke growth when a peer's change to the same shape arrives first", () => {
    vi.useFakeTimers()
    const { a, b } = pair()
    const points = strokePoints(5)
    a.store.put([stroke('s', points)])
    flush(a.store)
    const grown = [...points, ...strokePoints(4, points.at(-1))]
    growStroke(a.store, strokeOf(a.store, 's')!.id, grown)
    flush(a.store)
    const seen = strokeOf(b.store, 's')!
    b.store.put([{ ...seen, props: { ...seen.props, color: 'red' } }])
    flush(b.store)
    for (const side of [a, b]) {
      expect(strokeOf(side.store, 's')?.props).toMatchObject({
        color: 'red',
        segments: stroke('s', grown).props.segments,
      })
    }
  })

  it('sends a keystroke, not the label, whatever its length', () => {
    vi.useFakeTimers()
    const { a, b } = pair()
    a.store.put([geo('one')])
    flush(a.store)
    const text = 'Shard the sessions table by user id; keep a replica per region. '.repeat(8)
    const perKey: number[] = []
    for (let k = 1; k <= text.length; k++) {
      const updates: Uint8Array[] = []
      const onUpdate = (u: Uint8Array) => updates.push(u)
      a.doc.on('update', onUpdate)
      relabel(a.store, geo('one').id, text.slice(0, k))
      flush(a.store)
      vi.advanceTimersByTime(TEXT_COALESCE_MS) // keys typed slower than coalescing: one update each
      a.doc.off('update', onUpdate)
      perKey.push(bytes(updates))
    }
    expect(labelOf(shapeOf(b.store, 'one'))).toBe(text)
    const late = perKey.slice(-20)
    expect(Math.max(...late)).toBeLessThan(80) // a Yjs update for one character, ids included
    expect(Math.max(...late)).toBeLessThan(2 * Math.max(...perKey.slice(2, 22)))
  })

  it('merges two people typing into one label at the same time, and a change undone', () => {
    vi.useFakeTimers()
    const { a, b, net } = pair()
    a.store.put([geo('one', { props: { richText: toRichText('cach') } as never })])
    flush(a.store)
    relabel(a.store, geo('one').id, 'cache') // typed into once: the label is nested from here on
    flush(a.store)
    vi.advanceTimersByTime(TEXT_COALESCE_MS)
    net.cut()
    relabel(a.store, geo('one').id, 'write-through cache')
    relabel(b.store, geo('one').id, 'cache (Redis)')
    flush(a.store, b.store)
    vi.advanceTimersByTime(TEXT_COALESCE_MS)
    net.heal()
    for (const side of [a, b]) expect(labelOf(shapeOf(side.store, 'one'))).toBe('write-through cache (Redis)')

    // An undo is a local change back to the earlier value.
    const before = shapeOf(a.store, 'one')!
    relabel(a.store, geo('one').id, 'oops')
    flush(a.store)
    a.store.put([before])
    flush(a.store)
    vi.advanceTimersByTime(TEXT_COALESCE_MS)
    expect(shapeOf(b.store, 'one')).toEqual(before)
  })

  it('opens a room whose records were stored in the old layout, and writes the new one', () => {
    const old = new Y.Doc()
    const map = old.getMap<Y.Map<unknown>>(DEFAULT_RECORDS_MAP)
    const legacy = [
      ...seedRecords(),
      geo('one', { props: { richText: toRichText('legacy') } as never }),
      stroke('s', strokePoints(8)),
    ]
    old.transact(() => {
      for (const record of legacy) map.set(record.id, new Y.Map(Object.entries(record)))
    })
    const a = { store: makeStore(), doc: new Y.Doc() }
    Y.applyUpdate(a.doc, Y.encodeStateAsUpdate(old))
    bindStoreToYDoc(a)
    expect(docRecords(a.store)).toEqual([...legacy].sort((x, y) => x.id.localeCompare(y.id)))

    const net = new Network([a.doc, old])
    relabel(a.store, geo('one').id, 'legacy, edited')
    flush(a.store)
    void net
    expect(map.get(geo('one').id)!.get('props')).toBeInstanceOf(Y.Map)
    expect(labelOf(map.get(geo('one').id)!.toJSON() as TLGeoShape)).toBe('legacy, edited')
  })

  it('skips a nested-layout record the schema rejects', () => {
    const { a } = pair()
    const onInvalidRecord = vi.fn()
    a.store.put([geo('one', { props: { richText: toRichText('a') } as never })])
    flush(a.store)
    relabel(a.store, geo('one').id, 'ab')
    flush(a.store)
    const props = a.doc.getMap<Y.Map<unknown>>(DEFAULT_RECORDS_MAP).get(geo('one').id)!.get('props') as Y.Map<unknown>
    a.doc.transact(() => props.set('w', 'wide'))
    const c = { store: makeStore(), doc: new Y.Doc() }
    Y.applyUpdate(c.doc, Y.encodeStateAsUpdate(a.doc))
    bindStoreToYDoc({ ...c, onInvalidRecord })
    expect(onInvalidRecord).toHaveBeenCalledWith(geo('one').id, expect.anything())
    expect(shapeOf(c.store, 'one')).toBeUndefined()
  })
})
