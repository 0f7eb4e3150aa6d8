import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { BudgetExceededError, MalformedMessageError } from './syncErrors.ts'
import { jsonDepth } from './updateBudget.ts'

export interface AwarenessEntry {
  clientId: number
  clock: number
  /** `null` means "this client left". */
  state: Record<string, unknown> | null
}

export interface AwarenessBudget {
  /** Largest state, in bytes of JSON. */
  maxStateBytes: number
  /** Deepest nesting of a state (it is re-serialised, which recurses). */
  maxDepth: number
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Decode a y-protocols awareness update. Throws {@link MalformedMessageError} on anything odd and
 * {@link BudgetExceededError} for a state over the budget.
 */
export function decodeAwarenessUpdate(update: Uint8Array, budget: AwarenessBudget): AwarenessEntry[] {
  try {
    const decoder = decoding.createDecoder(update)
    const count = decoding.readVarUint(decoder)
    const entries: AwarenessEntry[] = []
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder)
      const clock = decoding.readVarUint(decoder)
      const json = decoding.readVarUint8Array(decoder)
      if (json.byteLength > budget.maxStateBytes) {
        throw new BudgetExceededError(
          `awareness state of ${json.byteLength} bytes; the limit is ${budget.maxStateBytes}`
        )
      }
      const state = JSON.parse(utf8.decode(json)) as unknown
      if (jsonDepth(state, budget.maxDepth) > budget.maxDepth) {
        throw new BudgetExceededError(`awareness state nested deeper than ${budget.maxDepth}`)
      }
      if (state !== null && (typeof state !== 'object' || Array.isArray(state))) {
        throw new Error('awareness state must be an object or null')
      }
      entries.push({ clientId, clock, state: state as AwarenessEntry['state'] })
    }
    if (decoding.hasContent(decoder)) throw new Error('trailing bytes after the awareness update')
    return entries
  } catch (error) {
    if (error instanceof BudgetExceededError) throw error
    throw new MalformedMessageError(`malformed awareness update: ${(error as Error).message}`)
  }
}

export function encodeAwarenessEntries(entries: AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, entries.length)
  for (const { clientId, clock, state } of entries) {
    encoding.writeVarUint(encoder, clientId)
    encoding.writeVarUint(encoder, clock)
    encoding.writeVarString(encoder, JSON.stringify(state))
  }
  return encoding.toUint8Array(encoder)
}
