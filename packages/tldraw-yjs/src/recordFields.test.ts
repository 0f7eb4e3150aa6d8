import { toRichText } from '@tldraw/tlschema'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { onlyTextEdits, patchText, recordToYMap, writeChangedFields } from './recordFields.ts'
import { geo, stroke, strokePoints } from './test/testStore.ts'

const bytes = (updates: Uint8Array[]) => updates.reduce((n, u) => n + u.byteLength, 0)

/** A Y.Map attached to a doc (detached types cannot be read), and the updates its edits produce. */
function attached(record: object) {
  const doc = new Y.Doc()
  const map = doc.getMap<Y.Map<unknown>>('tldraw')
  doc.transact(() => map.set('r', recordToYMap(record)))
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  return { doc, target: map.get('r')!, updates }
}

describe('patchText', () => {
  const text = (initial: string) => {
    const doc = new Y.Doc()
    const t = doc.getText('t')
    t.insert(0, initial)
    const deltas: unknown[] = []
    t.observe((e) => deltas.push(e.delta))
    return {
      t: { patch: (next: string) => doc.transact(() => patchText(t, next)), toString: () => t.toString(), t },
      deltas,
    }
  }

  it('appends only the suffix, types only the key, and rewrites only what differs', () => {
    const { t, deltas } = text('hello')
    t.patch('hello world')
    t.patch('hello, world')
    t.patch('goodbye')
    expect(t.toString()).toBe('goodbye')
    expect(deltas).toEqual([
      [{ retain: 5 }, { insert: ' world' }],
      [{ retain: 5 }, { insert: ',' }],
      [{ delete: 12 }, { insert: 'goodbye' }],
    ])
  })

  it('never splits a surrogate pair', () => {
    const { t } = text('a😀b')
    t.patch('a😃b') // same high surrogate, different low one
    expect(t.toString()).toBe('a😃b')
    t.patch('a😃😀b')
    expect(t.toString()).toBe('a😃😀b')
    t.patch('😀')
    expect(t.toString()).toBe('😀')
  })

  it('reports whether it wrote', () => {
    const { t } = text('same')
    expect(patchText(t.t, 'same')).toBe(false)
    expect(patchText(t.t, 'other')).toBe(true)
  })
})

describe('record layout', () => {
  it('keeps props as one value until a growing string is edited, then nests them with the string as Y.Text', () => {
    const points = strokePoints(20)
    const record = stroke('s', points)
    const { doc, target, updates } = attached(record)
    expect(target.toJSON()).toEqual(record)
    expect(target.get('props')).not.toBeInstanceOf(Y.Map)

    const grown = stroke('s', [...points, ...strokePoints(2, points.at(-1))])
    doc.transact(() => writeChangedFields(target, record, grown))
    expect(target.toJSON()).toEqual(grown)
    const segment = (target.get('props') as Y.Map<Y.Array<Y.Map<unknown>>>).get('segments')!.get(0)
    expect(segment.get('path')).toBeInstanceOf(Y.Text)

    const more = stroke('s', [...points, ...strokePoints(3, points.at(-1))])
    const nested = bytes(updates)
    doc.transact(() => writeChangedFields(target, grown, more))
    expect(target.toJSON()).toEqual(more)
    expect(bytes(updates) - nested).toBeLessThan(60) // one point appended, not the path
  })

  it('leaves props as one value when other props change', () => {
    const record = geo('one')
    const { doc, target } = attached(record)
    const next = geo('one', { props: { color: 'red' } as never })
    doc.transact(() => writeChangedFields(target, record, next))
    expect(target.toJSON()).toEqual(next)
    expect(target.get('props')).not.toBeInstanceOf(Y.Map)
  })

  it('nests a label on its first text-only edit', () => {
    const old = geo('one', { props: { richText: toRichText('old') } as never })
    const doc = new Y.Doc()
    const map = doc.getMap<Y.Map<unknown>>('tldraw')
    doc.transact(() => map.set('r', new Y.Map(Object.entries(old))))
    const target = map.get('r')!
    expect(target.get('props')).not.toBeInstanceOf(Y.Map)

    const next = geo('one', { x: 5, props: { richText: toRichText('new') } as never })
    doc.transact(() => writeChangedFields(target, old, next))
    expect(target.toJSON()).toEqual(next)
    expect(target.get('props')).toBeInstanceOf(Y.Map)
  })

  it('writes against what the doc holds, so nothing is written when it already matches', () => {
    const record = geo('one')
    const { doc, target, updates } = attached(record)
    doc.transact(() => writeChangedFields(target, null, { ...record }))
    expect(updates).toHaveLength(0)
  })

  it('tells text-only edits from the rest', () => {
    const points = strokePoints(10)
    const plain = stroke('s', points)
    const { doc, target } = attached(plain)
    const record = stroke('s', [...points, ...strokePoints(1, points.at(-1))])
    expect(onlyTextEdits(target, plain, record)).toBe(false) // props not nested yet
    doc.transact(() => writeChangedFields(target, plain, record))
    const grown = stroke('s', [...points, ...strokePoints(3, points.at(-1))])
    expect(onlyTextEdits(target, record, grown)).toBe(true)
    expect(onlyTextEdits(target, record, { ...grown, x: 1 })).toBe(false)
    expect(onlyTextEdits(target, record, { ...record, props: { ...record.props, isComplete: true } })).toBe(false)
    const twoSegments = {
      ...record,
      props: { ...record.props, segments: [...record.props.segments, record.props.segments[0]!] },
    }
    expect(onlyTextEdits(target, record, twoSegments)).toBe(false)
  })
})
