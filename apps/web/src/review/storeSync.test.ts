import { describe, expect, it } from 'vitest'
import { planRecordSync, shareUnchanged, type SyncRecord } from './storeSync.ts'

type Rec = SyncRecord & Record<string, unknown>

function plan(current: Rec[], target: Rec[], ids?: string[], targetHasPage = true, parked?: Set<string>) {
  const store = new Map(current.map((r) => [r.id, r]))
  const doc = new Map<string, unknown>(target.map((r) => [r.id, r]))
  return planRecordSync<Rec>({
    ids: ids ?? new Set([...store.keys(), ...doc.keys()]),
    target: (id) => doc.get(id),
    current: (id) => store.get(id),
    validate: (record) => {
      if ((record as Rec).bad) throw new Error('invalid')
      return record as Rec
    },
    removable: (record) => record.typeName !== 'document' && record.typeName !== 'instance',
    targetHasPage,
    ...(parked
      ? { parkable: (record: Rec) => record.typeName === 'shape', isParked: (id: string) => parked.has(id) }
      : {}),
  })
}

const page = { id: 'page:a', typeName: 'page', name: 'Page' }
const doc = { id: 'document:document', typeName: 'document' }
const shape = (id: string, x = 0, extra: Record<string, unknown> = {}): Rec => ({ id, typeName: 'shape', x, ...extra })

describe('planRecordSync', () => {
  it('puts new and changed records, removes missing ones and leaves equal ones alone', () => {
    const result = plan(
      [
        doc,
        page,
        shape('shape:same', 1),
        shape('shape:moved', 1),
        shape('shape:gone'),
        { id: 'instance', typeName: 'instance' },
      ],
      [doc, page, shape('shape:same', 1), shape('shape:moved', 2), shape('shape:new')]
    )
    expect(result.put.map((r) => r.id).sort()).toEqual(['shape:moved', 'shape:new'])
    expect(result.remove).toEqual(['shape:gone'])
    expect(result.skipped).toEqual([])
  })

  it('skips invalid records and records stored under another id', () => {
    const result = plan([shape('shape:a', 1)], [shape('shape:a', 5, { bad: true })], ['shape:a'])
    expect(result.put).toEqual([])
    expect(result.remove).toEqual([])
    expect(result.skipped.map((s) => s.id)).toEqual(['shape:a'])
    const misfiled = planRecordSync<Rec>({
      ids: ['shape:x'],
      target: () => shape('shape:y'),
      current: () => undefined,
      validate: (record) => record as Rec,
      removable: () => true,
      targetHasPage: true,
    })
    expect(misfiled.skipped.map((s) => s.id)).toEqual(['shape:x'])
  })

  it('only looks at the given ids', () => {
    const result = plan([shape('shape:a'), shape('shape:b')], [shape('shape:a', 3)], ['shape:a'])
    expect(result.put.map((r) => r.id)).toEqual(['shape:a'])
    expect(result.remove).toEqual([])
  })

  it('keeps the store’s pages while the board had none', () => {
    expect(plan([doc, page, shape('shape:a')], [], undefined, false).remove).toEqual(['shape:a'])
    expect(plan([doc, page], [{ id: 'page:b', typeName: 'page' }], undefined, true).remove).toEqual(['page:a'])
  })
})

describe('planRecordSync with parking', () => {
  it('parks absent shapes instead of removing them, and brings them back', () => {
    const parked = new Set(['shape:parked', 'shape:back'])
    const result = plan(
      [
        page,
        shape('shape:stays'),
        shape('shape:goes'),
        shape('shape:parked'),
        shape('shape:back', 1),
        { id: 'binding:b', typeName: 'binding' },
      ],
      [page, shape('shape:stays'), shape('shape:back', 2)],
      undefined,
      true,
      parked
    )
    expect(result.park).toEqual(['shape:goes'])
    expect(result.unpark).toEqual(['shape:back'])
    expect(result.put.map((r) => r.id)).toEqual(['shape:back'])
    expect(result.remove).toEqual(['binding:b'])
  })

  it('unparks a returning shape even when it did not change', () => {
    const result = plan([shape('shape:a')], [shape('shape:a')], undefined, true, new Set(['shape:a']))
    expect(result.unpark).toEqual(['shape:a'])
    expect(result.put).toEqual([])
  })
})

describe('shareUnchanged', () => {
  it('keeps the previous objects of unchanged fields, so caches keyed on them survive a move', () => {
    const before = { id: 'shape:a', typeName: 'shape', x: 1, props: { w: 10, label: { text: 'A' } }, meta: {} }
    const moved = shareUnchanged(before, { ...structuredClone(before), x: 2 })
    expect(moved).toEqual({ ...before, x: 2 })
    expect(moved.props).toBe(before.props)
    expect(moved.meta).toBe(before.meta)
    const relabelled = shareUnchanged(before, { ...structuredClone(before), props: { w: 10, label: { text: 'B' } } })
    expect(relabelled.props).not.toBe(before.props)
    const fresh = { ...before }
    expect(shareUnchanged(undefined, fresh)).toBe(fresh)
  })

  it('is applied to the records a sync puts', () => {
    const current = shape('shape:a', 1, { props: { w: 1 } })
    const result = planRecordSync<Rec>({
      ids: ['shape:a'],
      target: () => structuredClone({ ...current, x: 9 }),
      current: () => current,
      validate: (record) => record as Rec,
      removable: () => true,
      targetHasPage: true,
    })
    expect(result.put[0]!.props).toBe(current.props)
  })
})
