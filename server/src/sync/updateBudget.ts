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
  /**
   * Whether every struct of the update is new to the doc: it carries at least one, and each
   * client's structs continue exactly where the doc's clock for that client ends, one after
   * another, with no gap, overlap or Skip, and nothing is missing. Applied, the update as sent is
   * then the change it makes (its deletions of what is already deleted change nothing anywhere).
   */
  onlyNew: boolean
  /**
   * Per client of the update: the clock the doc reaches with it (when nothing is missing, where
   * the doc's state for that client must stand once the update is applied).
   */
  ends: ReadonlyMap<number, number>
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
  // Most values a board sends are scalars: no stack for them.
  if (value === null || typeof value !== 'object') return 0
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
 * The update's structs per client, each list in clock order. Yjs writes each client of an update
 * in one block of structs that follow one another (a Skip covers a gap); Yjs reading an update
 * keeps only the last block of a client that appears twice, and `Y.decodeUpdate` returns both,
 * so such an update (which no Yjs encoder writes) would be checked as other than what is applied:
 * it is malformed, as is a struct of length 0. An update of one client (the usual case) keeps its
 * own array.
 */
function groupByClient(structs: Struct[]): Map<number, Struct[]> {
  const groups = new Map<number, Struct[]>()
  if (!structs.length) return groups
  let blockStart = 0
  for (let i = 1; i <= structs.length; i++) {
    const prev = structs[i - 1]!
    // No Yjs encoder writes an item or GC of length 0; Yjs applying one can change the doc (an
    // empty map entry deletes the one it replaces) and then fail before the change is reported.
    if (prev.length === 0 && !(prev instanceof Y.Skip)) {
      throw new MalformedMessageError(
        `update could not be applied: struct ${prev.id.client}:${prev.id.clock} has length 0`
      )
    }
    const s = structs[i]
    if (s && s.id.client === prev.id.client) {
      if (s.id.clock !== prev.id.clock + prev.length) throw twoBlocks(prev.id.client)
      continue
    }
    // The block of `prev`'s client ends here.
    const client = prev.id.client
    if (groups.has(client)) throw twoBlocks(client)
    groups.set(client, blockStart === 0 && i === structs.length ? structs : structs.slice(blockStart, i))
    blockStart = i
  }
  return groups
}

function twoBlocks(client: number): MalformedMessageError {
  return new MalformedMessageError(`update could not be applied: client ${client} is in more than one block`)
}

/**
 * One check of one update against one doc. It keeps its working state in fields rather than in
 * closures: the relay checks every update a board sends, so what the check allocates is paid at
 * the frame rate of every room.
 */
class UpdateWalk {
  readonly store: Y.Doc['store']
  readonly limit: number
  readonly byClient: Map<number, Struct[]>
  /** Per client of the update: how far the doc plus the update reach without a gap. */
  readonly reach = new Map<number, number>()
  /** Type nesting depth of the update's items resolved so far. */
  readonly depthOf = new Map<Struct, number>()
  /** The chain of items being resolved, and what each link adds (1 for a parent, 0 for a sibling). */
  readonly chainItems: Y.Item[] = []
  readonly chainSteps: number[] = []
  missing = false
  /** Every struct so far continues its client's clock where the doc's (and the update's before it) ends. */
  contiguous = true
  /** Set by {@link lookup}: whether the struct it found is in the doc rather than in the update. */
  foundInDoc = false

  constructor(doc: Y.Doc, structs: Struct[], limit: number) {
    this.store = doc.store
    this.limit = limit
    this.byClient = groupByClient(structs)
    // Anything at or past a client's reach is missing.
    this.byClient.forEach(measureReach, this)
  }

  has(id: Y.ID): boolean {
    return id.clock < (this.reach.get(id.client) ?? Y.getState(this.store, id.client))
  }

  /** The struct `id` names, in the update or else in the doc; sets {@link foundInDoc}. */
  lookup(id: Y.ID): Struct | undefined {
    const fromUpdate = this.byClient.get(id.client)
    const s = fromUpdate && findStruct(fromUpdate, id.clock)
    if (s && !(s instanceof Y.Skip)) {
      this.foundInDoc = false
      return s
    }
    if (id.clock >= Y.getState(this.store, id.client)) return undefined
    const inDoc = this.store.clients.get(id.client) as Struct[]
    this.foundInDoc = true
    return inDoc[Y.findIndexSS(inDoc, id.clock)]!
  }

  /**
   * Type nesting depth of an item: its parent's depth + 1, where the parent is named directly
   * or inherited from the origin it was inserted next to. Resolved with an explicit chain and
   * memo, since origin chains can be as long as the update.
   */
  depth(start: Y.Item, structCount: number): number {
    // The chain arrays are reused across the update's items (only `links` of them are this chain).
    const { chainItems, chainSteps } = this
    let links = 0
    let current: Y.Item | null = start
    let base = 0
    while (current) {
      const known = this.depthOf.get(current)
      if (known !== undefined) {
        base = known
        break
      }
      const { parent, origin, rightOrigin } = current
      chainItems[links] = current
      if (typeof parent === 'string') {
        chainSteps[links++] = 1
        break
      }
      chainSteps[links++] = parent instanceof Y.ID ? 1 : 0
      const ref = parent instanceof Y.ID ? parent : (origin ?? rightOrigin)
      if (!ref) break // Yjs treats a parentless item as garbage
      const found = this.lookup(ref)
      if (!found) {
        this.missing = true
        break
      }
      if (this.foundInDoc) {
        // The item's own level; the link's step adds one for a parent, nothing for a sibling.
        // A garbage-collected struct has no parent left: what refers to it becomes garbage too.
        base = found instanceof Y.Item ? docItemDepth(found, this.limit) : 1
        break
      }
      if (!(found instanceof Y.Item)) break
      current = found
      if (links > structCount) break // a reference cycle: Yjs will not integrate it either
    }
    // Unwind: each link adds its step on top of what it refers to.
    let depth = base
    for (let i = links - 1; i >= 0; i--) {
      depth += chainSteps[i]!
      this.depthOf.set(chainItems[i]!, depth)
    }
    return this.depthOf.get(start) ?? depth
  }

  /** A reference of `item` to another struct: malformed if it points to its own future, missing if absent. */
  checkRef(item: Y.Item, ref: Y.ID | null): void {
    if (!ref) return
    // A client creates what it refers to before the item that refers to it.
    if (ref.client === item.id.client && ref.clock >= item.id.clock) {
      throw new MalformedMessageError(
        `update could not be applied: item ${item.id.client}:${item.id.clock} refers to its own future`
      )
    }
    if (!this.has(ref)) this.missing = true
  }
}

function measureReach(this: UpdateWalk, list: Struct[], client: number): void {
  let end = Y.getState(this.store, client)
  for (const s of list) {
    if (s instanceof Y.Skip) {
      this.contiguous = false
      continue
    }
    if (s.id.clock !== end) this.contiguous = false
    if (s.id.clock > end) this.missing = true
    else end = Math.max(end, s.id.clock + s.length)
  }
  this.reach.set(client, end)
}

/** A deletion past what the doc plus the update reach waits for what it deletes. */
function measureDeletions(this: UpdateWalk, ranges: Array<{ clock: number; len: number }>, client: number): void {
  const end = this.reach.get(client) ?? Y.getState(this.store, client)
  for (const r of ranges) if (r.clock + r.len > end) this.missing = true
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
  const walk = new UpdateWalk(doc, structs, budget.maxDepth)
  let counted = 0
  for (const s of structs) {
    if (s instanceof Y.Skip) continue
    counted++
    if (!(s instanceof Y.Item)) continue
    if (s.content instanceof Y.ContentDoc) throw new BudgetExceededError('subdocuments are not supported')
    const typeDepth = walk.depth(s, structs.length)
    if (typeDepth > budget.maxDepth) {
      throw new BudgetExceededError(`shared types nested ${typeDepth} deep; the limit is ${budget.maxDepth}`)
    }
    const valueDepth = contentJsonDepth(s.content, budget.maxDepth)
    if (typeDepth + valueDepth > budget.maxDepth) {
      throw new BudgetExceededError(`value nested ${typeDepth + valueDepth} deep; the limit is ${budget.maxDepth}`)
    }
    walk.checkRef(s, s.origin)
    walk.checkRef(s, s.rightOrigin)
    walk.checkRef(s, s.parent instanceof Y.ID ? s.parent : null)
  }
  decoded.ds.clients.forEach(measureDeletions, walk)
  return {
    structs: counted,
    missingDependencies: walk.missing,
    onlyNew: counted > 0 && walk.contiguous && !walk.missing,
    ends: walk.reach,
  }
}
