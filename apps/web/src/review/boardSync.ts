import {
  atom,
  createTLStore,
  defaultBindingUtils,
  defaultShapeUtils,
  type Atom,
  type TLRecord,
  type TLStore,
} from 'tldraw'
import * as Y from 'yjs'
import type { ReplayCursor, Touched } from './ReplayCursor.ts'
import { planRecordSync, type SyncPlan, type SyncRecord } from './storeSync.ts'

/** A read-only tldraw store for the replay (no server link, no offline hint). */
export function createReviewStore(): TLStore {
  return createTLStore({
    shapeUtils: defaultShapeUtils,
    bindingUtils: defaultBindingUtils,
    collaboration: { status: null, mode: atom<'readonly' | 'readwrite'>('mode', 'readonly') },
  })
}

/** Shapes kept in the store but hidden, because they do not exist at the time shown. */
export type ParkedShapes = Atom<ReadonlySet<string>>

export function createParkedShapes(): ParkedShapes {
  return atom<ReadonlySet<string>>('parked shapes', new Set())
}

export interface SyncResult {
  put: number
  removed: number
  parked: number
  skipped: number
}

function apply(store: TLStore, plan: SyncPlan<TLRecord>, parked: ParkedShapes, put: readonly TLRecord[]) {
  store.mergeRemoteChanges(() => {
    const gone = plan.remove.filter((id) => store.has(id as TLRecord['id']))
    if (gone.length) store.remove(gone as TLRecord['id'][])
    if (put.length) store.put([...put])
    if (plan.park.length || plan.unpark.length) {
      const next = new Set(parked.get())
      for (const id of plan.unpark) next.delete(id)
      for (const id of plan.park) next.add(id)
      parked.set(next)
    }
  })
}

/**
 * Bring the store to the cursor's board: after a short forward move only the touched records
 * are read; after a rebuild every record is compared, and only those that differ are written.
 * Shapes absent at that time are parked (hidden, kept with their cached geometry) rather than
 * removed, so scrubbing back and forth does not make tldraw measure them again. Records the
 * schema refuses are skipped (and reported through `onInvalid`).
 */
export function syncStoreToCursor(
  store: TLStore,
  cursor: ReplayCursor,
  touched: Touched,
  parked: ParkedShapes,
  onInvalid?: (id: string, error: unknown) => void
): SyncResult {
  if (!touched.rebuilt && touched.ids.size === 0) return { put: 0, removed: 0, parked: 0, skipped: 0 }
  const records = cursor.records
  const schemaTypes = store.schema.types as Record<string, (typeof store.schema.types)[TLRecord['typeName']]>
  const isDocument = (record: SyncRecord) => schemaTypes[record.typeName]?.scope === 'document'
  let ids: Iterable<string>
  if (touched.rebuilt) {
    const all = new Set<string>(records.keys())
    for (const record of store.allRecords()) if (isDocument(record)) all.add(record.id)
    ids = all
  } else ids = touched.ids
  let targetHasPage = false
  for (const key of records.keys()) {
    if (key.startsWith('page:')) {
      targetHasPage = true
      break
    }
  }
  const parkedNow = parked.get()
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
    parkable: (record) => record.typeName === 'shape',
    isParked: (id) => parkedNow.has(id),
  })
  let put = plan.put.length
  if (plan.put.length || plan.remove.length || plan.park.length || plan.unpark.length) {
    try {
      apply(store, plan, parked, plan.put)
    } catch {
      // A record the schema accepts may still break tldraw (a side effect, rich text it cannot
      // parse): put them one by one so only that record is left out.
      apply(store, plan, parked, [])
      put = 0
      for (const record of plan.put) {
        try {
          store.mergeRemoteChanges(() => store.put([record]))
          put++
        } catch (error) {
          plan.skipped.push({ id: record.id, error })
        }
      }
    }
  }
  for (const { id, error } of plan.skipped) onInvalid?.(id, error)
  return { put, removed: plan.remove.length, parked: plan.park.length, skipped: plan.skipped.length }
}
