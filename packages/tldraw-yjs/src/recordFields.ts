import * as Y from 'yjs'

type Fields = Record<string, unknown>

/**
 * String fields that grow by small edits and are kept as Y.Text, so an edit sends the characters
 * it changed rather than the whole string: a draw or highlight segment's delta-encoded `path`
 * (tldraw appends a point per frame) and the `text` of a rich-text (ProseMirror) text node.
 */
export const GROWING_STRING_KEYS: ReadonlySet<string> = new Set(['path', 'text'])

/**
 * Record fields that become nested Yjs types (Y.Map / Y.Array / Y.Text) once one of their growing
 * strings is edited. Until then they stay one value: a nested `props` costs ~2.5x the memory and
 * load time of a plain one, and most shapes never grow after they are made.
 */
const NESTED_FIELDS: ReadonlySet<string> = new Set(['props'])

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

const isObject = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** A JSON value as nested Yjs types: objects as Y.Map, arrays as Y.Array, growing strings as Y.Text. */
function toY(value: unknown, key: string | null): unknown {
  if (typeof value === 'string') return key !== null && GROWING_STRING_KEYS.has(key) ? new Y.Text(value) : value
  if (Array.isArray(value)) return Y.Array.from(value.map((item) => toY(item, null)) as never[])
  if (isObject(value)) return new Y.Map(Object.entries(value).map(([k, v]) => [k, toY(v, k)]))
  return value
}

/**
 * A record as a Y.Map of its top-level fields, so an edit sends only the fields it changed.
 * `props` starts as one value and nests (see {@link toY}) on the first edit of a growing string,
 * so from then on a stroke's path or a label's typed characters send only what was added.
 * Reading is `Y.Map#toJSON` whichever layout a record is in.
 */
export function recordToYMap(record: object): Y.Map<unknown> {
  return new Y.Map<unknown>(Object.entries(record))
}

/** Whether `next` differs from `prev` only in strings under {@link GROWING_STRING_KEYS} (same shape otherwise). */
export function onlyGrowingStringsDiffer(prev: unknown, next: unknown, key: string | null = null): boolean {
  if (prev === next) return true
  if (typeof prev === 'string' && typeof next === 'string') return key !== null && GROWING_STRING_KEYS.has(key)
  if (Array.isArray(prev) && Array.isArray(next)) {
    return prev.length === next.length && prev.every((item, i) => onlyGrowingStringsDiffer(item, next[i]))
  }
  if (isObject(prev) && isObject(next)) {
    const keys = Object.keys(next)
    if (keys.length !== Object.keys(prev).length) return false
    return keys.every((k) => k in prev && onlyGrowingStringsDiffer(prev[k], next[k], k))
  }
  return false
}

/** Index just before a UTF-16 surrogate pair would be split at `i` (Yjs would mangle half a pair). */
const safeCut = (s: string, i: number) => {
  const code = s.charCodeAt(i - 1)
  return i > 0 && code >= 0xd800 && code <= 0xdbff ? i - 1 : i
}

/**
 * Make `text` hold `next` by deleting and inserting only between the common prefix and suffix:
 * an append writes the appended characters, a keystroke the key typed. Returns whether it wrote.
 */
export function patchText(text: Y.Text, next: string): boolean {
  const prev = text.toString()
  if (prev === next) return false
  const max = Math.min(prev.length, next.length)
  let start = 0
  while (start < max && prev.charCodeAt(start) === next.charCodeAt(start)) start++
  start = safeCut(next, safeCut(prev, start))
  let end = 0
  while (end < max - start && prev.charCodeAt(prev.length - 1 - end) === next.charCodeAt(next.length - 1 - end)) end++
  // Keep the suffix from starting on the second half of a surrogate pair.
  while (end > 0 && isLowSurrogate(next.charCodeAt(next.length - end))) end--
  const removed = prev.length - start - end
  if (removed > 0) text.delete(start, removed)
  const inserted = next.slice(start, next.length - end)
  if (inserted) text.insert(start, inserted)
  return true
}

const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff

/**
 * Write `next` into the slot holding `current`, reusing nested Yjs types where the shape of the
 * value still fits, replacing the slot (through `set`) where it does not. `prev` (the value this
 * writer last saw, when known) limits the write to the parts that changed since, so a concurrent
 * edit of a sibling field by a peer is not overwritten. Returns whether it wrote.
 */
function patchValue(
  current: unknown,
  next: unknown,
  prev: unknown,
  key: string | null,
  set: (value: unknown) => void
): boolean {
  if (current instanceof Y.Text && typeof next === 'string') return patchText(current, next)
  if (current instanceof Y.Map && isObject(next)) return patchMap(current, next, isObject(prev) ? prev : undefined)
  if (current instanceof Y.Array && Array.isArray(next))
    return patchArray(current, next, Array.isArray(prev) ? prev : undefined)
  if (!(current instanceof Y.AbstractType) && current !== undefined && jsonEqual(current, next)) return false
  set(toY(next, key))
  return true
}

/** Field by field; with `prev`, fields unchanged since are left alone. */
function patchMap(target: Y.Map<unknown>, next: Fields, prev?: Fields): boolean {
  let wrote = false
  for (const [key, value] of Object.entries(next)) {
    if (prev && key in prev && target.has(key) && jsonEqual(prev[key], value)) continue
    wrote = patchValue(target.get(key), value, prev?.[key], key, (v) => target.set(key, v)) || wrote
  }
  for (const key of [...target.keys()]) {
    if (!(key in next) && (!prev || key in prev)) {
      target.delete(key)
      wrote = true
    }
  }
  return wrote
}

/** Element by element; growth appends, shrinking deletes from the end. */
function patchArray(target: Y.Array<unknown>, next: unknown[], prev?: unknown[]): boolean {
  let wrote = false
  const common = Math.min(target.length, next.length)
  for (let i = 0; i < common; i++) {
    if (prev && i < prev.length && jsonEqual(prev[i], next[i])) continue
    wrote =
      patchValue(target.get(i), next[i], prev?.[i], null, (v) => {
        target.delete(i, 1)
        target.insert(i, [v])
      }) || wrote
  }
  if (next.length > target.length) {
    target.insert(
      target.length,
      next.slice(target.length).map((item) => toY(item, null))
    )
    wrote = true
  } else if (target.length > next.length) {
    target.delete(next.length, target.length - next.length)
    wrote = true
  }
  return wrote
}

/**
 * Write into `target` only what differs between `from` and `to` (everything that differs from the
 * doc when `from` is null): top-level fields whole, a nested `props` down to the characters of a
 * growing string. A plain `props` is nested when only its growing strings changed (the first
 * frame of a stroke's growth, the second key typed into a label): that write carries the whole
 * of `props` once. Compares against what `target` holds. Returns how many top-level fields were written (for tests and wire measurements).
 */
export function writeChangedFields(target: Y.Map<unknown>, from: object | null, to: object): number {
  const prev = from as Fields | null
  const next = to as Fields
  let written = 0
  for (const [key, value] of Object.entries(next)) {
    if (prev && key in prev && target.has(key) && jsonEqual(prev[key], value)) continue
    const current = target.get(key)
    const nest =
      NESTED_FIELDS.has(key) &&
      (current instanceof Y.Map || (prev !== null && onlyGrowingStringsDiffer(prev[key], value)))
    const wrote = nest
      ? patchValue(current, value, prev?.[key], key, (v) => target.set(key, v))
      : !(current !== undefined && !(current instanceof Y.AbstractType) && jsonEqual(current, value)) &&
        (target.set(key, value), true)
    if (wrote) written++
  }
  for (const key of [...target.keys()]) {
    if (!(key in next) && (!prev || key in prev)) {
      target.delete(key)
      written++
    }
  }
  return written
}

/**
 * Whether writing `to` over `from` into `target` only edits Y.Text contents (a stroke growing, a
 * label being typed): such writes can be coalesced over a few frames without reordering anything
 * a peer could see change shape.
 */
export function onlyTextEdits(target: Y.Map<unknown>, from: object, to: object): boolean {
  return textOnly(target, from as Fields, to as Fields)
}

function textOnly(target: Y.Map<unknown> | Y.Array<unknown>, prev: unknown, next: unknown): boolean {
  if (target instanceof Y.Array) {
    if (!Array.isArray(prev) || !Array.isArray(next) || prev.length !== next.length) return false
    if (target.length !== next.length) return false
    for (let i = 0; i < next.length; i++) {
      if (jsonEqual(prev[i], next[i])) continue
      if (!slotTextOnly(target.get(i), prev[i], next[i])) return false
    }
    return true
  }
  if (!isObject(prev) || !isObject(next)) return false
  const keys = Object.keys(next)
  if (keys.length !== Object.keys(prev).length) return false
  let any = false
  for (const key of keys) {
    if (!(key in prev)) return false
    if (jsonEqual(prev[key], next[key])) continue
    if (!slotTextOnly(target.get(key), prev[key], next[key])) return false
    any = true
  }
  return any
}

function slotTextOnly(current: unknown, prev: unknown, next: unknown): boolean {
  if (current instanceof Y.Text) return typeof next === 'string'
  if (current instanceof Y.Map || current instanceof Y.Array) return textOnly(current, prev, next)
  return false
}
