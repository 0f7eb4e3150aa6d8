import { describe, expect, it } from 'vitest'
import { changedFields, describeFields, diffShapes, richTextToPlain, shapeLabel } from './recordDiff.ts'

const rich = (...paragraphs: string[]) => ({
  type: 'doc',
  content: paragraphs.map((text) => ({ type: 'paragraph', content: text ? [{ type: 'text', text }] : [] })),
})

const shape = (id: string, type: string, props: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  id,
  typeName: 'shape',
  type,
  x: 0,
  y: 0,
  rotation: 0,
  index: 'a1',
  parentId: 'page:page',
  props,
  meta: {},
  ...extra,
})

describe('richTextToPlain', () => {
  it('joins paragraphs by lines and keeps hard breaks', () => {
    expect(richTextToPlain(rich('Load balancer', '', 'x3'))).toBe('Load balancer\n\nx3')
    expect(
      richTextToPlain({
        type: 'doc',
        content: [
          {
            type: 'paragraph',
            content: [{ type: 'text', text: 'a' }, { type: 'hardBreak' }, { type: 'text', text: 'b' }],
          },
        ],
      })
    ).toBe('a\nb')
    expect(richTextToPlain(null)).toBe('')
    expect(richTextToPlain({ type: 'doc' })).toBe('')
  })
})

describe('shapeLabel', () => {
  it('reads rich text, frame names and shortens long labels', () => {
    expect(shapeLabel(shape('shape:a', 'geo', { richText: rich('Cache', 'Redis') }))).toBe('Cache Redis')
    expect(shapeLabel(shape('shape:f', 'frame', { name: 'Storage' }))).toBe('Storage')
    expect(shapeLabel(shape('shape:d', 'draw', { segments: [] }))).toBeNull()
    expect(shapeLabel(shape('shape:t', 'text', { richText: rich('x'.repeat(100)) }), 10)).toBe('xxxxxxxxx…')
  })
})

describe('changedFields and describeFields', () => {
  it('lists top-level fields and goes one level into props and meta', () => {
    const a = shape('shape:a', 'geo', { w: 10, h: 10, richText: rich('A') })
    const b = { ...a, x: 5, props: { w: 20, h: 10, richText: rich('B') }, meta: { by: 'x' } }
    expect(changedFields(a, b)).toEqual(['meta.by', 'props.richText', 'props.w', 'x'])
    expect(describeFields(['props.richText', 'props.w', 'props.h', 'x', 'y', 'props.custom'])).toBe(
      'text, size, position, custom'
    )
  })
})

describe('diffShapes', () => {
  it('finds added, changed and removed shapes, ignoring other records', () => {
    const before = {
      'page:page': { id: 'page:page', typeName: 'page', name: 'Page 1' },
      'shape:kept': shape('shape:kept', 'geo', { w: 1 }),
      'shape:moved': shape('shape:moved', 'note', { richText: rich('API') }),
      'shape:gone': shape('shape:gone', 'arrow'),
    }
    const after = {
      'page:page': { id: 'page:page', typeName: 'page', name: 'Renamed' },
      'shape:kept': shape('shape:kept', 'geo', { w: 1 }),
      'shape:moved': shape('shape:moved', 'note', { richText: rich('API gateway') }, { x: 40 }),
      'shape:new': shape('shape:new', 'text', { richText: rich('Queue') }),
      'binding:1': { id: 'binding:1', typeName: 'binding' },
    }
    expect(diffShapes(before, after)).toEqual({
      added: [{ id: 'shape:new', type: 'text', label: 'Queue' }],
      changed: [{ id: 'shape:moved', type: 'note', label: 'API gateway', fields: ['props.richText', 'x'] }],
      removed: [{ id: 'shape:gone', type: 'arrow', label: null }],
    })
    expect(diffShapes(after, after)).toEqual({ added: [], changed: [], removed: [] })
  })
})
