import type { TLRecord, TLStore } from '@tldraw/tlschema'
import * as Y from 'yjs'
import { onlyTextEdits, recordToYMap, writeChangedFields } from './recordFields.ts'

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
  const { store, doc, onInvalidRecord = () => {} } = options
  const { coalesceTextMs = TEXT_COALESCE_MS, schedule = defaultSchedule } = options
  const records: YRecords = doc.getMap(options.mapName ?? DEFAULT_RECORDS_MAP)

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

  const onDeepChange = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>, txn: Y.Transaction) => {
    if (txn.origin === LOCAL_ORIGIN) return
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

  return () => {
    flushText()
    stopListening()
    records.unobserveDeep(onDeepChange)
  }
}
