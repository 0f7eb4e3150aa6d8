import { atom, createTLStore, defaultBindingUtils, defaultShapeUtils, type TLRecord, type TLStore } from 'tldraw'
import * as Y from 'yjs'
import type { ReplayCursor, Touched } from './ReplayCursor.ts'
import { planRecordSync, type SyncRecord } from './storeSync.ts'

/** A read-only tldraw store for the replay (no server link, no offline hint). */
export function createReviewStore(): TLStore {
  return createTLStore({
    shapeUtils: defaultShapeUtils,
    bindingUtils: defaultBindingUtils,
    collaboration: { status: null, mode: atom<'readonly' | 'readwrite'>('mode', 'readonly') },
  })
}

export interface SyncResult {
  put: number
  removed: number
  skipped: number
}

/**
 * Bring the store to the cursor's board: after a short forward move only the touched records
 * are read; after a rebuild every record is compared, and only those that differ are written.
 * Records the schema refuses are skipped (and reported once each through `onInvalid`).
 */
export function syncStoreToCursor(
  store: TLStore,
  cursor: ReplayCursor,
  touched: Touched,
  onInvalid?: (id: string, error: unknown) => void
): SyncResult {
  const records = cursor.records
  const schemaTypes = store.schema.types as Record<string, (typeof store.schema.types)[TLRecord['typeName']]>
  const isDocument = (record: SyncRecord) => schemaTypes[record.typeName]?.scope === 'document'
  let ids: Iterable<string>
  if (touched.rebuilt) {
    const all = new Set<string>(records.keys())
    for (const record of store.allRecords()) if (isDocument(record)) all.add(record.id)
    ids = all
  } else ids = touched.ids
  if (!touched.rebuilt && touched.ids.size === 0) return { put: 0, removed: 0, skipped: 0 }

  let targetHasPage = false
  for (const key of records.keys()) {
    if (key.startsWith('page:')) {
      targetHasPage = true
      break
    }
  }
  const plan = planRecordSync<TLRecord>({
    ids,
    target: (id) => {
      const value = records.get(id)
      if (value === undefined) return undefined
      return value instanceof Y.Map ? (value.toJSON() as unknown) : null
    },
    current: (id) => store.get(id as TLRecord['id']),
    validate: (record) => {
      const type = schemaTypes[record.typeName]
      if (!type) throw new Error(`unknown record type "${record.typeName}"`)
      return type.validate(record) as TLRecord
    },
    removable: (record) => isDocument(record) && record.typeName !== 'document',
    targetHasPage,
  })
  if (plan.put.length || plan.remove.length) {
    store.mergeRemoteChanges(() => {
      if (plan.remove.length) store.remove(plan.remove as TLRecord['id'][])
      if (plan.put.length) store.put(plan.put)
    })
  }
  for (const { id, error } of plan.skipped) onInvalid?.(id, error)
  return { put: plan.put.length, removed: plan.remove.length, skipped: plan.skipped.length }
}
