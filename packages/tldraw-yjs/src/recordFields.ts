import * as Y from 'yjs'

type Fields = Record<string, unknown>

/**
 * Structural equality for JSON values. tldraw keeps unchanged sub-objects by reference,
 * so the reference check settles almost every field without walking it.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false
    return true
  }
  if (Array.isArray(b)) return false
  const ak = Object.keys(a)
  const bk = Object.keys(b)
  if (ak.length !== bk.length) return false
  for (const k of ak) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false
    if (!jsonEqual((a as Fields)[k], (b as Fields)[k])) return false
  }
  return true
}

/** A record as a nested Y.Map of its top-level fields, so an edit sends only the fields it changed. */
export function recordToYMap(record: object): Y.Map<unknown> {
  return new Y.Map<unknown>(Object.entries(record))
}

/**
 * Write into `target` only the top-level fields that differ between `from` and `to`.
 * Returns how many fields were written (for tests and wire measurements).
 */
export function writeChangedFields(target: Y.Map<unknown>, from: object, to: object): number {
  let written = 0
  const prev = from as Fields
  const next = to as Fields
  for (const key of Object.keys(next)) {
    if (!jsonEqual(prev[key], next[key])) {
      target.set(key, next[key])
      written++
    }
  }
  for (const key of Object.keys(prev)) {
    if (!(key in next)) {
      target.delete(key)
      written++
    }
  }
  return written
}
