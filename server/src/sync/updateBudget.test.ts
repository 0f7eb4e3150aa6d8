import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { BudgetExceededError, MalformedMessageError } from './syncErrors.ts'
import { handWrittenUpdate } from '../test/helpers.ts'
import { checkUpdate, decodeUpdateWithinBudget, type UpdateBudget } from './updateBudget.ts'

const BUDGET: UpdateBudget = { maxStructs: 1_000, maxDepth: 32 }

/** A doc whose map `m` holds maps nested `depth` levels deep (the outermost is a child of a root). */
function nestedMaps(depth: number, doc = new Y.Doc()): Y.Doc {
  let current = doc.getMap('m')
  doc.transact(() => {
    for (let i = 0; i < depth; i++) {
      const next = new Y.Map()
      current.set('k', next)
      current = next
    }
  })
  return doc
}

function nestedArrays(depth: number): unknown {
  let value: unknown = 1
  for (let i = 0; i < depth; i++) value = [value]
  return value
}

const check = (doc: Y.Doc, update: Uint8Array, budget = BUDGET) =>
  checkUpdate(doc, decodeUpdateWithinBudget(update), budget)

describe('checkUpdate', () => {
  it('accepts an ordinary board update and counts its structs', () => {
    const source = new Y.Doc()
    const records = source.getMap('tldraw')
    source.transact(() => {
      for (let i = 0; i < 10; i++) {
        const record = new Y.Map()
        record.set('props', { geo: 'rectangle', richText: { type: 'doc', content: [{ type: 'paragraph' }] } })
        records.set(`shape:${i}`, record)
      }
    })
    const result = check(new Y.Doc(), Y.encodeStateAsUpdate(source))
    expect(result).toMatchObject({ structs: 20, missingDependencies: false, onlyNew: true })
  })

  it('refuses an update that names one client in two blocks (Yjs would apply only the last)', () => {
    const a = { key: 'a', value: 1 }
    const b = { key: 'b', value: 2 }
    const malformed = [
      [
        { client: 5, clock: 1, structs: [a] },
        { client: 5, clock: 0, structs: [b] },
      ],
      [
        { client: 5, clock: 0, structs: [a] },
        { client: 6, clock: 0, structs: [a] },
        { client: 5, clock: 1, structs: [b] },
      ],
    ]
    // (Two blocks of one client that continue each other decode as one: the room catches what
    // Yjs then ignores, see SyncRoom.test.ts.)
    for (const blocks of malformed) {
      expect(() => check(new Y.Doc(), handWrittenUpdate(blocks))).toThrow(/client 5 is in more than one block/)
      expect(() => check(new Y.Doc(), handWrittenUpdate(blocks))).toThrow(MalformedMessageError)
    }
    // One block each, two structs in one: fine.
    const fine = [
      { client: 5, clock: 0, structs: [a, b] },
      { client: 6, clock: 0, structs: [a] },
    ]
    expect(check(new Y.Doc(), handWrittenUpdate(fine))).toMatchObject({ structs: 3, onlyNew: true })
  })

  it('refuses an item of length 0 (no encoder writes one)', () => {
    const empty = handWrittenUpdate([{ client: 5, clock: 0, structs: [{ key: 'x', values: [] }] }])
    expect(Y.decodeUpdate(empty).structs[0]!.length).toBe(0)
    expect(() => check(new Y.Doc(), empty)).toThrow(/struct 5:0 has length 0/)
    const among = handWrittenUpdate([
      {
        client: 5,
        clock: 0,
        structs: [
          { key: 'a', value: 1 },
          { key: 'x', values: [] },
        ],
      },
      { client: 6, clock: 0, structs: [{ key: 'b', value: 2 }] },
    ])
    expect(() => check(new Y.Doc(), among)).toThrow(MalformedMessageError)
  })

  describe('onlyNew', () => {
    /** A doc and a second one that began as its copy; `edit` then changes the second. */
    function fork(edit: (copy: Y.Doc) => void) {
      const doc = new Y.Doc()
      doc.getMap('m').set('a', 1)
      doc.getText('t').insert(0, 'hello')
      const copy = new Y.Doc()
      Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc))
      const before = Y.encodeStateVector(copy)
      edit(copy)
      return { doc, copy, change: Y.encodeStateAsUpdate(copy, before) }
    }

    it('holds for an update continuing each of its clients where the doc ends', () => {
      const { doc, change } = fork((copy) => {
        copy.getMap('m').set('a', 2) // replaces (deletes) the doc's own entry
        copy.getText('t').insert(5, ' world')
      })
      expect(check(doc, change)).toMatchObject({ missingDependencies: false, onlyNew: true })
      // Two clients' changes merged into one update, each continuing where the doc ends.
      const other = fork((copy) => copy.getMap('m').set('b', 3))
      const both = Y.mergeUpdates([change, other.change])
      expect(check(doc, both).onlyNew).toBe(true)
    })

    it('does not hold once the doc has any of the structs, or when something is missing', () => {
      const { doc, copy, change } = fork((c) => c.getText('t').insert(0, 'abc'))
      // The same update again: all known.
      const again = new Y.Doc()
      Y.applyUpdate(again, Y.encodeStateAsUpdate(doc))
      Y.applyUpdate(again, change)
      expect(check(again, change).onlyNew).toBe(false)
      // Overlapping: the doc has the first half of what the update carries.
      const first = Y.encodeStateAsUpdate(copy, Y.encodeStateVector(doc))
      copy.getText('t').insert(0, 'def')
      const whole = Y.encodeStateAsUpdate(copy, Y.encodeStateVector(doc))
      const half = new Y.Doc()
      Y.applyUpdate(half, Y.encodeStateAsUpdate(doc))
      Y.applyUpdate(half, first)
      expect(check(half, whole).onlyNew).toBe(false)
      expect(check(doc, whole).onlyNew).toBe(true)
      // A gap: the second edit without the first.
      const second = Y.encodeStateAsUpdate(copy, Y.encodeStateVector(half))
      expect(check(doc, second)).toMatchObject({ missingDependencies: true, onlyNew: false })
      expect(check(half, second).onlyNew).toBe(true)
    })

    it('does not hold for an update without structs (deletions alone, or empty)', () => {
      const { doc, change } = fork((copy) => copy.getText('t').delete(0, 2))
      expect(check(doc, change)).toMatchObject({ structs: 0, onlyNew: false })
      expect(check(doc, Y.encodeStateAsUpdate(new Y.Doc())).onlyNew).toBe(false)
    })

    it('does not hold for an update carrying a Skip', () => {
      const { doc, copy } = fork((c) => c.getText('t').insert(0, 'x'))
      const base = Y.encodeStateVector(doc)
      const one = Y.encodeStateAsUpdate(copy, base)
      copy.getText('t').insert(0, 'y')
      const mid = Y.encodeStateVector(copy)
      copy.getText('t').insert(0, 'z')
      const three = Y.encodeStateAsUpdate(copy, mid)
      // Merging the first and third edits leaves a Skip where the second was.
      const skipped = Y.mergeUpdates([one, three])
      expect(Y.decodeUpdate(skipped).structs.some((s) => s instanceof Y.Skip)).toBe(true)
      expect(check(doc, skipped).onlyNew).toBe(false)
    })
  })

  it('refuses shared types nested deeper than the limit, counting levels already in the doc', () => {
    expect(() => check(new Y.Doc(), Y.encodeStateAsUpdate(nestedMaps(32)))).not.toThrow()
    expect(() => check(new Y.Doc(), Y.encodeStateAsUpdate(nestedMaps(33)))).toThrow(/nested 33 deep/)

    // 30 levels are in the doc; an update that adds 3 more inside the innermost goes over.
    const room = nestedMaps(30)
    const client = new Y.Doc()
    Y.applyUpdate(client, Y.encodeStateAsUpdate(room))
    let innermost = client.getMap('m')
    while (innermost.get('k') instanceof Y.Map) innermost = innermost.get('k') as Y.Map<unknown>
    const before = Y.encodeStateVector(client)
    client.transact(() => {
      const a = new Y.Map()
      innermost.set('k', a)
      const b = new Y.Map()
      a.set('k', b)
      b.set('k', new Y.Map())
    })
    const delta = Y.encodeStateAsUpdate(client, before)
    expect(() => check(room, delta)).toThrow(BudgetExceededError)
    expect(() => check(room, delta, { ...BUDGET, maxDepth: 33 })).not.toThrow()
  })

  it('follows siblings inserted next to a deep item (their parent is implied by the origin)', () => {
    const doc = nestedMaps(30)
    let innermost = doc.getMap('m')
    while (innermost.get('k') instanceof Y.Map) innermost = innermost.get('k') as Y.Map<unknown>
    const array = new Y.Array<unknown>()
    innermost.set('list', array) // level 31, its values level 32: fine
    const room = new Y.Doc()
    Y.applyUpdate(room, Y.encodeStateAsUpdate(doc))
    const before = Y.encodeStateVector(doc)
    array.push([1, 2, 3])
    const values = Y.encodeStateAsUpdate(doc, before)
    expect(() => check(room, values)).not.toThrow()
    Y.applyUpdate(room, values)
    // A map appended after the values names only its origin (the last value); a value inside it is level 33.
    const sv = Y.encodeStateVector(doc)
    doc.transact(() => {
      const map = new Y.Map()
      array.push([map])
      map.set('x', 1)
    })
    expect(() => check(room, Y.encodeStateAsUpdate(doc, sv))).toThrow(/nested 33 deep/)
  })

  it('refuses a JSON value that, inside its type, goes over the depth limit', () => {
    const doc = new Y.Doc()
    doc.getArray('a').push([nestedArrays(32)])
    expect(() => check(new Y.Doc(), Y.encodeStateAsUpdate(doc))).toThrow(/value nested 33 deep/)
    const ok = new Y.Doc()
    ok.getArray('a').push([nestedArrays(30)])
    expect(() => check(new Y.Doc(), Y.encodeStateAsUpdate(ok), { ...BUDGET, maxDepth: 31 })).not.toThrow()
  })

  it('turns a value too deep for the decoder itself into a budget error, not a crash', () => {
    const doc = new Y.Doc()
    // lib0 reads JSON values recursively: this many levels overflow the stack while decoding.
    doc.getArray('a').push([nestedArrays(20_000)])
    let update: Uint8Array | undefined
    try {
      update = Y.encodeStateAsUpdate(doc)
    } catch {
      return // this Yjs cannot even encode it, so it cannot arrive either
    }
    expect(() => decodeUpdateWithinBudget(update)).toThrow(BudgetExceededError)
  })

  it('refuses more structs than the limit', () => {
    const doc = new Y.Doc()
    const map = doc.getMap('m')
    for (let i = 0; i < 11; i++) map.set(`k${i}`, i)
    expect(() => check(new Y.Doc(), Y.encodeStateAsUpdate(doc), { ...BUDGET, maxStructs: 10 })).toThrow(
      /11 structs; the limit is 10/
    )
  })

  it('reports missing dependencies: a clock gap, an unknown origin, a delete of unknown items', () => {
    const source = new Y.Doc()
    const text = source.getText('t')
    text.insert(0, 'abc')
    const first = Y.encodeStateAsUpdate(source)
    const sv = Y.encodeStateVector(source)
    text.insert(3, 'def')
    const second = Y.encodeStateAsUpdate(source, sv)
    const sv2 = Y.encodeStateVector(source)
    text.delete(0, 2)
    const deletion = Y.encodeStateAsUpdate(source, sv2)

    const room = new Y.Doc()
    expect(check(room, second).missingDependencies).toBe(true)
    expect(check(room, deletion).missingDependencies).toBe(true)
    expect(check(room, first).missingDependencies).toBe(false)
    Y.applyUpdate(room, first)
    expect(check(room, second).missingDependencies).toBe(false)
    expect(check(room, Y.mergeUpdates([second, deletion])).missingDependencies).toBe(false)

    // Another client inserting after text the room does not have.
    const other = new Y.Doc()
    Y.applyUpdate(other, Y.encodeStateAsUpdate(source))
    const before = Y.encodeStateVector(other)
    other.getText('t').insert(2, 'X')
    expect(check(room, Y.encodeStateAsUpdate(other, before)).missingDependencies).toBe(true)
  })

  it('refuses subdocuments and items that refer to their own future', () => {
    const doc = new Y.Doc()
    doc.getMap('m').set('sub', new Y.Doc())
    expect(() => check(new Y.Doc(), Y.encodeStateAsUpdate(doc))).toThrow(/subdocuments/)
    // Item 2:0 whose origin is 2:4 — decodes, but can never be integrated.
    const bad = Uint8Array.from(Buffer.from('01010200840204012100', 'hex'))
    expect(() => check(new Y.Doc(), bad)).toThrow(MalformedMessageError)
  })
})
