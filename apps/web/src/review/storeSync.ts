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
}

const isRecord = (value: unknown): value is SyncRecord =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as SyncRecord).id === 'string' &&
  typeof (value as SyncRecord).typeName === 'string'

/**
 * What to put into and remove from a store so it holds the target records. Unchanged records
 * are left alone (compared structurally), so a seek only touches what differs.
 */
export function planRecordSync<R extends SyncRecord>(options: PlanOptions<R>): SyncPlan<R> {
  const plan: SyncPlan<R> = { put: [], remove: [], skipped: [] }
  for (const id of options.ids) {
    const next = options.target(id)
    const now = options.current(id)
    if (next !== undefined) {
      if (!isRecord(next) || next.id !== id) {
        plan.skipped.push({ id, error: new Error(`record stored under "${id}" is not a record with that id`) })
        continue
      }
      if (now && jsonEqual(now, next)) continue
      try {
        plan.put.push(options.validate(next))
      } catch (error) {
        plan.skipped.push({ id, error })
      }
    } else if (now && options.removable(now) && (now.typeName !== 'page' || options.targetHasPage)) {
      plan.remove.push(id)
    }
  }
  return plan
}
