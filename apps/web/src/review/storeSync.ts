import { jsonEqual } from '@loopboard/tldraw-yjs'

/** The least a store record has. */
export interface SyncRecord {
  id: string
  typeName: string
}

export interface SyncPlan<R extends SyncRecord> {
  /** New or changed records, validated. */
  put: R[]
  /** Ids to remove from the store. */
  remove: string[]
  /** Ids to park: absent at the target time, but kept in the store (hidden) for a later return. */
  park: string[]
  /** Parked ids that are back at the target time. */
  unpark: string[]
  /** Records the schema refused (they stay as they were). */
  skipped: Array<{ id: string; error: unknown }>
}

export interface PlanOptions<R extends SyncRecord> {
  /** The ids that may differ (all of them after a rebuild, only the touched ones otherwise). */
  ids: Iterable<string>
  /** A record as the board doc holds it at the target time; undefined when it does not exist then. */
  target: (id: string) => unknown
  /** The record as the store holds it now. */
  current: (id: string) => R | undefined
  /** The schema's validator for a record; throws when the record is not valid. */
  validate: (record: SyncRecord) => R
  /** Whether a store record may be removed (document records only, never the document itself). */
  removable: (record: R) => boolean
  /**
   * Whether the target has any page. A tldraw store must always keep one, so when the board
   * had no page yet at that time, the store keeps the pages it has.
   */
  targetHasPage: boolean
  /**
   * Records to hide rather than remove when absent (shapes: re-adding one costs tldraw a new
   * geometry, text measurement included). Parked records stay in the store, untouched.
   */
  parkable?: (record: R) => boolean
  /** Whether an id is parked now. */
  isParked?: (id: string) => boolean
}

const isRecord = (value: unknown): value is SyncRecord =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as SyncRecord).id === 'string' &&
  typeof (value as SyncRecord).typeName === 'string'

/**
 * `next`, reusing the values of `previous` for the fields that did not change. tldraw caches a
 * shape's geometry (text measurement included) until its `props` or `meta` object changes, so a
 * moved shape keeping its `props` object is not measured again.
 */
export function shareUnchanged<R extends object>(previous: R | undefined, next: R): R {
  if (!previous) return next
  const old = previous as Record<string, unknown>
  let shared = false
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(next)) {
    if (old[key] !== value && jsonEqual(old[key], value)) {
      out[key] = old[key]
      shared = true
    } else out[key] = value
  }
  return shared ? (out as R) : next
}

/**
 * What to put into and remove from a store so it holds the target records. Unchanged records
 * are left alone (compared structurally), so a seek only touches what differs; parkable
 * records are hidden instead of removed, and shown again (updated if need be) when they return.
 */
export function planRecordSync<R extends SyncRecord>(options: PlanOptions<R>): SyncPlan<R> {
  const plan: SyncPlan<R> = { put: [], remove: [], park: [], unpark: [], skipped: [] }
  const { parkable = () => false, isParked = () => false } = options
  for (const id of options.ids) {
    const next = options.target(id)
    const now = options.current(id)
    if (next !== undefined) {
      if (isParked(id)) plan.unpark.push(id)
      if (!isRecord(next) || next.id !== id) {
        plan.skipped.push({ id, error: new Error(`record stored under "${id}" is not a record with that id`) })
        continue
      }
      if (now && jsonEqual(now, next)) continue
      try {
        plan.put.push(shareUnchanged(now, options.validate(next)))
      } catch (error) {
        plan.skipped.push({ id, error })
      }
    } else if (now && parkable(now)) {
      if (!isParked(id)) plan.park.push(id)
    } else if (now && options.removable(now) && (now.typeName !== 'page' || options.targetHasPage)) {
      plan.remove.push(id)
    }
  }
  return plan
}
