import type { TLRecord, TLStore } from '@tldraw/tlschema'
import * as Y from 'yjs'
import { recordToYMap, writeChangedFields } from './recordFields.ts'

/** Name of the top-level Y.Map that holds the board's records. */
export const DEFAULT_RECORDS_MAP = 'tldraw'

export interface BindStoreOptions {
  store: TLStore
  doc: Y.Doc
  /** Top-level Y.Map name. Defaults to {@link DEFAULT_RECORDS_MAP}. */
  mapName?: string
  /**
   * Called for a remote record the local schema rejects. That record is skipped (and
   * stays in the Y.Doc untouched); every other record keeps syncing.
   */
  onInvalidRecord?: (id: string, error: unknown) => void
}

/** Transaction origin of the binding's own writes, so its observer can skip them. */
const LOCAL_ORIGIN = Symbol('tldraw-yjs/local')

type YRecords = Y.Map<Y.Map<unknown>>

/**
 * Two-way binding between a tldraw store's document records and a Y.Doc.
 *
 * Each record is a nested Y.Map of its top-level fields (not one opaque value), so moving a
 * shape sends its `x` and `y`, not the whole record, and concurrent edits of different
 * fields of one shape both survive. Only user-made, document-scope changes go out; remote
 * changes come in through `store.mergeRemoteChanges`, which keeps them out of the local
 * undo stack.
 *
 * On bind, a non-empty Y.Doc wins: the store's document records are replaced by the doc's.
 * An empty doc is seeded from the store.
 *
 * @returns a function that removes both listeners.
 */
export function bindStoreToYDoc(options: BindStoreOptions): () => void {
  const { store, doc, onInvalidRecord = () => {} } = options
  const records: YRecords = doc.getMap(options.mapName ?? DEFAULT_RECORDS_MAP)

  const readValid = (id: string, ymap: Y.Map<unknown>): TLRecord | null => {
    const record = ymap.toJSON() as TLRecord
    const type = store.schema.types[record.typeName as TLRecord['typeName']]
    try {
      if (!type) throw new Error(`unknown record type "${String(record.typeName)}"`)
      if (record.id !== id) throw new Error(`record id "${String(record.id)}" stored under "${id}"`)
      return type.validate(record) as TLRecord
    } catch (error) {
      onInvalidRecord(id, error)
      return null
    }
  }

  const isDocumentRecord = (record: TLRecord) => store.schema.types[record.typeName]?.scope === 'document'

  // Initial reconciliation.
  if (records.size > 0) {
    const incoming: TLRecord[] = []
    records.forEach((ymap, id) => {
      if (!(ymap instanceof Y.Map)) return onInvalidRecord(id, new Error('not a record map'))
      const record = readValid(id, ymap)
      if (record) incoming.push(record)
    })
    const keep = new Set(incoming.map((r) => r.id))
    const stale = store
      .allRecords()
      .filter((r) => isDocumentRecord(r) && !keep.has(r.id))
      .map((r) => r.id)
    store.mergeRemoteChanges(() => {
      if (stale.length) store.remove(stale)
      if (incoming.length) store.put(incoming)
    })
  } else {
    const seed = store.allRecords().filter(isDocumentRecord)
    if (seed.length) {
      doc.transact(() => {
        for (const record of seed) records.set(record.id, recordToYMap(record))
      }, LOCAL_ORIGIN)
    }
  }

  const stopListening = store.listen(
    ({ changes }) => {
      doc.transact(() => {
        for (const record of Object.values(changes.added)) {
          records.set(record.id, recordToYMap(record))
        }
        for (const [from, to] of Object.values(changes.updated)) {
          const target = records.get(to.id)
          if (target) writeChangedFields(target, from, to)
          else records.set(to.id, recordToYMap(to))
        }
        for (const record of Object.values(changes.removed)) {
          records.delete(record.id)
        }
      }, LOCAL_ORIGIN)
    },
    { source: 'user', scope: 'document' }
  )

  const onDeepChange = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>, txn: Y.Transaction) => {
    if (txn.origin === LOCAL_ORIGIN) return
    const touched = new Set<string>()
    for (const event of events) {
      if (event.target === records) {
        for (const key of (event as Y.YMapEvent<unknown>).keysChanged) touched.add(key)
      } else {
        const id = event.path[0]
        if (typeof id === 'string') touched.add(id)
      }
    }
    const toPut: TLRecord[] = []
    const toRemove: TLRecord['id'][] = []
    for (const id of touched) {
      const ymap = records.get(id)
      if (ymap instanceof Y.Map) {
        const record = readValid(id, ymap)
        if (record) toPut.push(record)
      } else if (ymap !== undefined) {
        onInvalidRecord(id, new Error('not a record map'))
      } else if (store.has(id as TLRecord['id'])) {
        toRemove.push(id as TLRecord['id'])
      }
    }
    if (!toPut.length && !toRemove.length) return
    store.mergeRemoteChanges(() => {
      if (toRemove.length) store.remove(toRemove)
      if (toPut.length) store.put(toPut)
    })
  }
  records.observeDeep(onDeepChange)

  return () => {
    stopListening()
    records.unobserveDeep(onDeepChange)
  }
}
