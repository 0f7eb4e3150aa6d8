import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { applyTextEdit, diffText } from './textDiff.ts'

describe('diffText', () => {
  it('finds the one changed span', () => {
    expect(diffText('hello world', 'hello brave world')).toEqual({ index: 6, remove: 0, insert: 'brave ' })
    expect(diffText('hello world', 'hello')).toEqual({ index: 5, remove: 6, insert: '' })
    expect(diffText('abc', 'axc')).toEqual({ index: 1, remove: 1, insert: 'x' })
    expect(diffText('same', 'same')).toEqual({ index: 4, remove: 0, insert: '' })
    expect(diffText('aaa', 'aaaa')).toEqual({ index: 3, remove: 0, insert: 'a' })
  })

  it('keeps a concurrent edit made elsewhere in the text', () => {
    const a = new Y.Doc()
    const b = new Y.Doc()
    const ta = a.getText('t')
    ta.insert(0, 'QPS: ?\nStorage: ?')
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
    const tb = b.getText('t')
    applyTextEdit(ta, ta.toString(), 'QPS: 50k\nStorage: ?', 'local')
    applyTextEdit(tb, tb.toString(), 'QPS: ?\nStorage: 2 PB', 'local')
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b))
    expect(ta.toString()).toBe('QPS: 50k\nStorage: 2 PB')
    expect(tb.toString()).toBe(ta.toString())
  })
})
