import * as Y from 'yjs'
import { BudgetExceededError, MalformedMessageError } from './syncErrors.ts'

/** Limits every incoming Yjs update is checked against before it may touch a room's doc. */
export interface UpdateBudget {
  /** Most structs (items, GCs, skips) one update may carry. */
  maxStructs: number
  /**
   * Deepest nesting allowed, counted both as shared types inside shared types (Y.Map in Y.Map…)
   * and as levels of a JSON value inside a type. Deep nesting is what makes Yjs recurse (deleting
   * or reading a type walks its children recursively), so a few thousand levels overflow the stack.
   */
  maxDepth: number
}

/** What the relay needs to know about a decoded update that is within budget. */
export interface UpdateCheck {
  /** Structs the update carries (Skips excluded). */
  structs: number
  /**
   * Whether the update refers to items or clocks the doc does not have (and the update does
   * not bring): Yjs would park it as pending instead of integrating it.
   */
  missingDependencies: boolean
}

type Struct = Y.Item | Y.GC | Y.Skip
type Decoded = ReturnType<typeof Y.decodeUpdate>

/** Decode a v1 update, turning a too-deep JSON value (which overflows lib0's reader) into a budget error. */
export function decodeUpdateWithinBudget(update: Uint8Array): Decoded {
  try {
    return Y.decodeUpdate(update)
  } catch (error) {
    if (error instanceof RangeError) throw new BudgetExceededError('update is nested too deeply to decode')
    throw error
  }
}

/** Depth of a JSON value, measured without recursion (the value may be arbitrarily deep). */
export function jsonDepth(value: unknown, limit: number): number {
  let deepest = 0
  const stack: Array<[unknown, number]> = [[value, 1]]
  while (stack.length) {
    const [v, depth] = stack.pop()!
    if (v === null || typeof v !== 'object') continue
    if (depth > deepest) deepest = depth
    if (deepest > limit) return deepest
    if (v instanceof Uint8Array) continue
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1])
  }
  return deepest
}

function contentJsonDepth(content: Y.Item['content'], limit: number): number {
  if (content instanceof Y.ContentAny || content instanceof Y.ContentJSON) {
    let deepest = 0
    for (const value of content.arr) deepest = Math.max(deepest, jsonDepth(value, limit))
    return deepest
  }
  if (content instanceof Y.ContentEmbed) return jsonDepth(content.embed, limit)
  if (content instanceof Y.ContentFormat) return jsonDepth(content.value, limit)
  return 0
}

/** The struct of `structs` (sorted by clock) that contains `clock`, if any. */
function findStruct(structs: Struct[], clock: number): Struct | undefined {
  let lo = 0
  let hi = structs.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const s = structs[mid]!
    if (clock < s.id.clock) hi = mid - 1
    else if (clock >= s.id.clock + s.length) lo = mid + 1
    else return s
  }
  return undefined
}

/** Depth of an item already in the doc: 1 for a child of a root type, +1 per enclosing type. */
function docItemDepth(item: Y.Item, limit: number): number {
  let depth = 1
  let parent = item.parent as Y.AbstractType<unknown> | null
  while (parent?._item && depth <= limit) {
    depth++
    parent = parent._item.parent as Y.AbstractType<unknown> | null
  }
  return depth
}

/**
 * Check a decoded update against `budget` and against what `doc` already has. Throws
 * {@link BudgetExceededError} over a limit; reports (does not throw) missing dependencies so
 * the caller can decide how much unresolved data it is willing to hold.
 */
export function checkUpdate(doc: Y.Doc, decoded: Decoded, budget: UpdateBudget): UpdateCheck {
  const structs = decoded.structs as Struct[]
  if (structs.length > budget.maxStructs) {
    throw new BudgetExceededError(`update carries ${structs.length} structs; the limit is ${budget.maxStructs}`)
  }
  const store = doc.store

  // Per client: the update's structs in clock order, and how far the doc plus the update reach
  // without a gap. Anything at or past that end is missing.
  const byClient = new Map<number, Struct[]>()
  for (const s of structs) {
    let list = byClient.get(s.id.client)
    if (!list) byClient.set(s.id.client, (list = []))
    list.push(s)
  }
  let missing = false
  const reach = new Map<number, number>()
  for (const [client, list] of byClient) {
    list.sort((a, b) => a.id.clock - b.id.clock)
    let end = Y.getState(store, client)
    for (const s of list) {
      if (s instanceof Y.Skip) continue
      if (s.id.clock > end) missing = true
      else end = Math.max(end, s.id.clock + s.length)
    }
    reach.set(client, end)
  }
  const has = (id: Y.ID) => id.clock < (reach.get(id.client) ?? Y.getState(store, id.client))

  // Type nesting depth of every item: its parent's depth + 1, where the parent is named
  // directly or inherited from the origin it was inserted next to. Resolved with an explicit
  // stack and memo, since origin chains can be as long as the update.
  const depthOf = new Map<Struct, number>()
  const lookup = (id: Y.ID): { struct: Struct; inDoc: boolean } | undefined => {
    const fromUpdate = byClient.get(id.client)
    const s = fromUpdate && findStruct(fromUpdate, id.clock)
    if (s && !(s instanceof Y.Skip)) return { struct: s, inDoc: false }
    if (id.clock >= Y.getState(store, id.client)) return undefined
    const inDoc = store.clients.get(id.client) as Struct[]
    return { struct: inDoc[Y.findIndexSS(inDoc, id.clock)]!, inDoc: true }
  }
  const resolveDepth = (start: Y.Item): number => {
    const chain: Array<{ item: Y.Item; step: number }> = []
    let current: Y.Item | null = start
    let base = 0
    while (current) {
      const known = depthOf.get(current)
      if (known !== undefined) {
        base = known
        break
      }
      const { parent, origin, rightOrigin } = current
      if (typeof parent === 'string') {
        chain.push({ item: current, step: 1 })
        break
      }
      const ref = parent instanceof Y.ID ? parent : (origin ?? rightOrigin)
      const step = parent instanceof Y.ID ? 1 : 0
      chain.push({ item: current, step })
      if (!ref) break // Yjs treats a parentless item as garbage
      const found = lookup(ref)
      if (!found) {
        missing = true
        break
      }
      if (found.inDoc) {
        // The item's own level; the link's step adds one for a parent, nothing for a sibling.
        // A garbage-collected struct has no parent left: what refers to it becomes garbage too.
        base = found.struct instanceof Y.Item ? docItemDepth(found.struct, budget.maxDepth) : 1
        break
      }
      if (!(found.struct instanceof Y.Item)) break
      current = found.struct
      if (chain.length > structs.length) break // a reference cycle: Yjs will not integrate it either
    }
    // Unwind: each link adds its step on top of what it refers to.
    let depth = base
    for (let i = chain.length - 1; i >= 0; i--) {
      const link = chain[i]!
      depth += link.step
      depthOf.set(link.item, depth)
    }
    return depthOf.get(start) ?? depth
  }

  for (const s of structs) {
    if (!(s instanceof Y.Item)) continue
    if (s.content instanceof Y.ContentDoc) throw new BudgetExceededError('subdocuments are not supported')
    const typeDepth = resolveDepth(s)
    if (typeDepth > budget.maxDepth) {
      throw new BudgetExceededError(`shared types nested ${typeDepth} deep; the limit is ${budget.maxDepth}`)
    }
    const valueDepth = contentJsonDepth(s.content, budget.maxDepth)
    if (typeDepth + valueDepth > budget.maxDepth) {
      throw new BudgetExceededError(`value nested ${typeDepth + valueDepth} deep; the limit is ${budget.maxDepth}`)
    }
    for (const ref of [s.origin, s.rightOrigin, s.parent instanceof Y.ID ? s.parent : null]) {
      if (!ref) continue
      // A client creates what it refers to before the item that refers to it.
      if (ref.client === s.id.client && ref.clock >= s.id.clock) {
        throw new MalformedMessageError(
          `update could not be applied: item ${s.id.client}:${s.id.clock} refers to its own future`
        )
      }
      if (!has(ref)) missing = true
    }
  }

  for (const [client, ranges] of decoded.ds.clients) {
    const end = reach.get(client) ?? Y.getState(store, client)
    if (ranges.some((r) => r.clock + r.len > end)) missing = true
  }

  return { structs: structs.filter((s) => !(s instanceof Y.Skip)).length, missingDependencies: missing }
}
