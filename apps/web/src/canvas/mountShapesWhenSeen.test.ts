import { atom, type TLRenderingShape, type TLShapeId } from 'tldraw'
import { describe, expect, it } from 'vitest'
import { seenShapesList } from './mountShapesWhenSeen.ts'

const entry = (id: string, index = 0) => ({ id: `shape:${id}` as TLShapeId, index }) as unknown as TLRenderingShape
const ids = (list: readonly TLRenderingShape[]) => list.map((e) => e.id.replace('shape:', ''))
const culledSet = (...names: string[]) => new Set(names.map((n) => `shape:${n}` as TLShapeId))

describe('seenShapesList', () => {
  it('lists the shapes in view, then keeps each one it has listed', () => {
    const all = atom('all', [entry('a'), entry('b'), entry('c')])
    const culled = atom('culled', culledSet('b', 'c'))
    const list = seenShapesList(
      () => all.get(),
      () => culled.get()
    )
    expect(ids(list.get())).toEqual(['a'])

    // The camera moves: c comes into view, a leaves it. a stays mounted.
    culled.set(culledSet('a', 'b'))
    expect(ids(list.get())).toEqual(['a', 'c'])
    // And back: nothing is dropped, nothing added.
    culled.set(culledSet('b', 'c'))
    expect(ids(list.get())).toEqual(['a', 'c'])
  })

  it('keeps tldraw’s order and entries, and drops shapes that leave the page', () => {
    const a = entry('a', 3)
    const b = entry('b', 1)
    const all = atom('all', [a, b, entry('c')])
    const culled = atom('culled', culledSet('c'))
    const list = seenShapesList(
      () => all.get(),
      () => culled.get()
    )
    expect(list.get()).toEqual([a, b])
    expect(list.get()[0]).toBe(a)

    // A shape's entry changes (restyled, reordered): the new entry is listed.
    const a2 = entry('a', 5)
    all.set([a2, b, entry('c')])
    expect(list.get()[0]).toBe(a2)
    // Deleted: gone from the list.
    all.set([b, entry('c')])
    expect(ids(list.get())).toEqual(['b'])
  })

  it('returns the same array while what it lists does not change, so the canvas does not re-render', () => {
    const all = atom('all', [entry('a'), entry('b'), entry('c')])
    const culled = atom('culled', culledSet('b', 'c'))
    const list = seenShapesList(
      () => all.get(),
      () => culled.get()
    )
    const first = list.get()
    // c stays culled, b is culled now too: no change in what is listed.
    culled.set(culledSet('c'))
    const second = list.get()
    expect(ids(second)).toEqual(['a', 'b'])
    culled.set(culledSet('b', 'c'))
    expect(list.get()).toBe(second)
    expect(first).not.toBe(second)
  })
})
