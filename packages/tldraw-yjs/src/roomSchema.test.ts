import type { SerializedSchemaV2 } from '@tldraw/store'
import { toRichText, type TLGeoShape, type TLStore } from '@tldraw/tlschema'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { bindStoreToYDoc, DEFAULT_RECORDS_MAP } from './bindStoreToYDoc.ts'
import { META_MAP, readStoredSchema, SCHEMA_KEY } from './roomSchema.ts'
import { flush, geo, labelOf, makeStore, relabel, seedRecords } from './test/testStore.ts'

/**
 * A board saved by an older Loopboard: geo shapes at version 9 of their props migrations
 * (AddScale), before tldraw moved labels from `text` to `richText` (10), added rich-text attrs
 * (11) and flip props (12). The record is as that version wrote it.
 */
function boardSavedUnderOlderSchema(): Y.Doc {
  const current = makeStore().schema.serialize() as SerializedSchemaV2
  const older: SerializedSchemaV2 = {
    ...current,
    sequences: { ...current.sequences, 'com.tldraw.shape.geo': 9 },
  }
  const { richText: _richText, flipX: _flipX, flipY: _flipY, ...props } = geo('old').props
  const oldShape = { ...geo('old'), props: { ...props, text: 'saved in 2024' } }
  const doc = new Y.Doc()
  const records = doc.getMap<Y.Map<unknown>>(DEFAULT_RECORDS_MAP)
  doc.transact(() => {
    for (const record of [...seedRecords(), oldShape]) records.set(record.id, new Y.Map(Object.entries(record)))
    doc.getMap<string>(META_MAP).set(SCHEMA_KEY, JSON.stringify(older))
  })
  return doc
}

const copy = (doc: Y.Doc) => {
  const out = new Y.Doc()
  Y.applyUpdate(out, Y.encodeStateAsUpdate(doc))
  return out
}
const storedGeo = (doc: Y.Doc) =>
  doc.getMap<Y.Map<unknown>>(DEFAULT_RECORDS_MAP).get(geo('old').id)!.toJSON() as TLGeoShape & {
    props: { text?: string }
  }
const shapeIn = (store: TLStore) => store.get(geo('old').id) as TLGeoShape | undefined

describe('a board saved under an older tldraw schema', () => {
  it('is migrated with tldraw’s own migrations, and a writer writes it forward with its schema', () => {
    const doc = copy(boardSavedUnderOlderSchema())
    const store = makeStore()
    const invalid: string[] = []
    bindStoreToYDoc({ store, doc, onInvalidRecord: (id) => invalid.push(id) })
    expect(invalid).toEqual([])
    const shape = shapeIn(store)!
    expect(shape.props.richText).toEqual(toRichText('saved in 2024'))
    expect(shape.props).toMatchObject({ flipX: false, flipY: false })
    // The doc now holds the migrated record and the current schema: every client reads it as current.
    expect(labelOf(storedGeo(doc))).toBe('saved in 2024')
    expect(storedGeo(doc).props.text).toBeUndefined()
    expect(readStoredSchema(doc)).toEqual(store.schema.serialize())
    // And it keeps syncing both ways.
    relabel(store, geo('old').id, 'edited after the upgrade')
    flush(store)
    expect(labelOf(storedGeo(doc))).toBe('edited after the upgrade')
  })

  it('is migrated in memory only by a read-only client', () => {
    const doc = copy(boardSavedUnderOlderSchema())
    const before = Y.encodeStateVector(doc)
    const store = makeStore()
    bindStoreToYDoc({ store, doc, writable: false })
    expect(shapeIn(store)!.props.richText).toEqual(toRichText('saved in 2024'))
    expect(Y.encodeStateVector(doc)).toEqual(before)
    expect(storedGeo(doc).props.text).toBe('saved in 2024')
  })
})

describe('a board saved under a newer tldraw schema', () => {
  function newer(): Y.Doc {
    const doc = new Y.Doc()
    const current = makeStore().schema.serialize() as SerializedSchemaV2
    const records = doc.getMap<Y.Map<unknown>>(DEFAULT_RECORDS_MAP)
    doc.transact(() => {
      for (const record of [...seedRecords(), geo('new')]) records.set(record.id, new Y.Map(Object.entries(record)))
      doc
        .getMap<string>(META_MAP)
        .set(
          SCHEMA_KEY,
          JSON.stringify({ ...current, sequences: { ...current.sequences, 'com.tldraw.shape.geo': 99 } })
        )
    })
    return doc
  }

  it('is neither read nor written: the client is told to reload, no shape is dropped', () => {
    const doc = newer()
    const before = Y.encodeStateAsUpdate(doc)
    const store = makeStore()
    const reasons: string[] = []
    bindStoreToYDoc({ store, doc, onNewerSchema: (reason) => reasons.push(reason) })
    expect(reasons).toHaveLength(1)
    expect(store.get(geo('new').id)).toBeUndefined()
    // Local edits do not reach the board.
    store.put([geo('local')])
    flush(store)
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before)
  })

  it('stops a client that is open when a newer one writes the board forward', () => {
    const doc = copy(boardSavedUnderOlderSchema())
    const store = makeStore()
    const reasons: string[] = []
    bindStoreToYDoc({ store, doc, writable: false, onNewerSchema: (reason) => reasons.push(reason) })
    expect(reasons).toEqual([])
    // A newer client, synced with this board, writes it forward: its schema and a record in one go.
    const remote = copy(doc)
    const before = Y.encodeStateVector(remote)
    remote.transact(() => {
      remote.getMap<string>(META_MAP).set(SCHEMA_KEY, newer().getMap<string>(META_MAP).get(SCHEMA_KEY)!)
      remote.getMap<Y.Map<unknown>>(DEFAULT_RECORDS_MAP).set(geo('new').id, new Y.Map(Object.entries(geo('new'))))
    })
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(remote, before))
    expect(reasons).toHaveLength(1)
    // Records arriving after that are not read with the wrong schema.
    expect(store.get(geo('new').id)).toBeUndefined()
    expect(shapeIn(store)).toBeDefined()
  })
})
