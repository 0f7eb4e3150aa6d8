import { describe, expect, it } from 'vitest'
import { planRecordSync, type SyncRecord } from './storeSync.ts'

type Rec = SyncRecord & Record<string, unknown>

function plan(current: Rec[], target: Rec[], ids?: string[], targetHasPage = true) {
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
