import type { TLRecord, TLStore } from '@tldraw/tlschema'
import * as Y from 'yjs'
import { onlyTextEdits, recordToYMap, writeChangedFields } from './recordFields.ts'
import {
  META_MAP,
  migrateIn,
  readStoredSchema,
  relateSchema,
  SCHEMA_KEY,
  writeSchema,
  type SchemaRelation,
} from './roomSchema.ts'

/** Name of the top-level Y.Map that holds the board's records. */
export const DEFAULT_RECORDS_MAP = 'tldraw'

/**
 * Longest a text-only edit (a stroke's path growing, a label being typed) waits before it is
 * written, so one update carries several frames' worth: a Yjs update costs ~40 B of framing and
 * ids whatever it carries, against ~5 B of path per frame.
 */
export const TEXT_COALESCE_MS = 120

/** Runs `callback` after `ms`; returns a function that cancels it. */
export type Schedule = (callback: () => void, ms: number) => () => void

const defaultSchedule: Schedule = (callback, ms) => {
  const timer = setTimeout(callback, ms)
  return () => clearTimeout(timer)
}

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
  /** See {@link TEXT_COALESCE_MS}; 0 writes every change at once. */
  coalesceTextMs?: number
  /** Timer used for coalescing (a virtual clock in benchmarks). */
  schedule?: Schedule
  /**
   * Whether this client may write the board (default true). A writer stores its tldraw schema
   * with the board and, on a board saved under an older schema, writes the migrated records
   * back; a read-only client migrates in memory only, and writes nothing at all: not its
   * store's default records into an empty doc, nor its own changes.
   */
  writable?: boolean
  /**
   * The board was saved by a newer tldraw than this client's: nothing is read or written (no
   * record is dropped or downgraded); the app should ask for a reload.
   */
  onNewerSchema?: (reason: string) => void
}

/** Transaction origin of the binding's own writes, so its observer can skip them. */
const LOCAL_ORIGIN = Symbol('tldraw-yjs/local')

type YRecords = Y.Map<Y.Map<unknown>>

const typeOf = (record: TLRecord) => ('type' in record ? record.type : undefined)

/**
 * Two-way binding between a tldraw store's document records and a Y.Doc.
 *
 * Each record is a nested Y.Map of its top-level fields (not one opaque value), so moving a
 * shape sends its `x` and `y`, not the whole record, and concurrent edits of different
 * fields of one shape both survive; `props` nests further, with growing strings as Y.Text
 * (see `recordToYMap`). Edits that only change such text are coalesced for up to
 * `coalesceTextMs`. Only user-made, document-scope changes go out; remote changes come in
 * through `store.mergeRemoteChanges`, which keeps them out of the local undo stack.
 *
 * On bind, a non-empty Y.Doc wins: the store's document records are replaced by the doc's.
 * An empty doc is seeded from the store.
 *
 * @returns a function that removes both listeners.
 */
export function bindStoreToYDoc(options: BindStoreOptions): () => void {
  const { store, doc, onInvalidRecord = () => {}, writable = true, onNewerSchema = () => {} } = options
  const { coalesceTextMs = TEXT_COALESCE_MS, schedule = defaultSchedule } = options
  const records: YRecords = doc.getMap(options.mapName ?? DEFAULT_RECORDS_MAP)
  const meta = doc.getMap<string>(META_MAP)

  let relation: SchemaRelation = relateSchema(store, readStoredSchema(doc))
  if (relation.kind === 'newer') {
    onNewerSchema(relation.reason)
    return () => {}
  }

  // Records whose latest text-only edits are not yet in the doc, each with the record as it was
  // before them (so only what changed since is written), and the timer that writes them.
  const pendingText = new Map<TLRecord['id'], TLRecord>()
  let cancelFlush: (() => void) | null = null
  const writePending = () => {
    for (const [id, before] of pendingText) {
      const record = store.get(id)
      const target = records.get(id)
      if (record && target instanceof Y.Map) writeChangedFields(target, before, record)
    }
    pendingText.clear()
  }
  const flushText = () => {
    cancelFlush?.()
    cancelFlush = null
    if (pendingText.size) doc.transact(writePending, LOCAL_ORIGIN)
  }

  const readValid = (id: string, ymap: Y.Map<unknown>): TLRecord | null => {
    const stored = ymap.toJSON() as TLRecord
    const type = store.schema.types[stored.typeName as TLRecord['typeName']]
    try {
      if (!type) throw new Error(`unknown record type "${String(stored.typeName)}"`)
      if (stored.id !== id) throw new Error(`record id "${String(stored.id)}" stored under "${id}"`)
      const record = migrateIn(store, stored, relation)
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
    if (writable && relation.kind === 'older') {
      // Write the board forward once, records and schema together, so every client reads it as current.
      doc.transact(() => {
        for (const record of incoming) records.set(record.id, recordToYMap(record))
        writeSchema(doc, store)
      }, LOCAL_ORIGIN)
      relation = { kind: 'same' }
    }
  } else if (writable) {
    // A read-only client bound before the board arrives keeps its defaults until it does.
    const seed = store.allRecords().filter(isDocumentRecord)
    if (seed.length) {
      doc.transact(() => {
        for (const record of seed) records.set(record.id, recordToYMap(record))
        writeSchema(doc, store)
      }, LOCAL_ORIGIN)
    }
  }

  // A read-only client writes nothing (the server would refuse it anyway): no store listener.
  const stopListening = writable ? listenToStore() : () => {}
  function listenToStore() {
    return store.listen(
      ({ changes }) => {
        doc.transact(() => {
          // The schema goes with the first write (not on open, so merely reading a board writes nothing).
          if (!meta.has(SCHEMA_KEY)) writeSchema(doc, store)
          for (const record of Object.values(changes.added)) {
            records.set(record.id, recordToYMap(record))
          }
          for (const [from, to] of Object.values(changes.updated)) {
            const target = records.get(to.id)
            if (!(target instanceof Y.Map) || typeOf(from) !== typeOf(to)) {
              // A shape whose type changed is a new record: no field of the old one may merge into it.
              pendingText.delete(to.id)
              records.set(to.id, recordToYMap(to))
            } else if (coalesceTextMs > 0 && onlyTextEdits(target, from, to)) {
              if (!pendingText.has(to.id)) pendingText.set(to.id, from)
              cancelFlush ??= schedule(flushText, coalesceTextMs)
            } else if (pendingText.has(to.id)) {
              // Everything since the last write, the coalesced text included, in order.
              writeChangedFields(target, pendingText.get(to.id)!, to)
              pendingText.delete(to.id)
            } else {
              writeChangedFields(target, from, to)
            }
          }
          for (const record of Object.values(changes.removed)) {
            pendingText.delete(record.id)
            records.delete(record.id)
          }
        }, LOCAL_ORIGIN)
      },
      { source: 'user', scope: 'document' }
    )
  }

  const onDeepChange = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>, txn: Y.Transaction) => {
    if (txn.origin === LOCAL_ORIGIN) return
    // The schema may have changed in the same transaction: records must be read with the new one.
    if (txn.changed.has(meta as Y.AbstractType<Y.YMapEvent<string>> as never) && !refreshRelation()) return
    // Local text not yet written goes in first (a new transaction, run now), so what the store
    // gets back from the doc below still holds it.
    if (pendingText.size) flushText()
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

  // A newer client may write the board forward while we are open: stop before reading records
  // we would misread, and say so.
  /** Re-read the stored schema; false (after unbinding and saying so) if it is now newer than ours. */
  function refreshRelation(): boolean {
    if (!bound) return false
    const next = relateSchema(store, readStoredSchema(doc))
    if (next.kind !== 'newer') {
      relation = next
      return true
    }
    unbind()
    onNewerSchema(next.reason)
    return false
  }
  const onMeta = (_event: Y.YMapEvent<string>, txn: Y.Transaction) => {
    if (txn.origin !== LOCAL_ORIGIN) refreshRelation()
  }
  meta.observe(onMeta)

  let bound = true
  const unbind = () => {
    if (!bound) return
    bound = false
    flushText()
    stopListening()
    records.unobserveDeep(onDeepChange)
    meta.unobserve(onMeta)
  }
  return unbind
}
