import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { MalformedMessageError } from './syncErrors.ts'

export interface AwarenessEntry {
  clientId: number
  clock: number
  /** `null` means "this client left". */
  state: Record<string, unknown> | null
}

/** Decode a y-protocols awareness update. Throws {@link MalformedMessageError} on anything odd. */
export function decodeAwarenessUpdate(update: Uint8Array): AwarenessEntry[] {
  try {
    const decoder = decoding.createDecoder(update)
    const count = decoding.readVarUint(decoder)
    const entries: AwarenessEntry[] = []
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder)
      const clock = decoding.readVarUint(decoder)
      const state = JSON.parse(decoding.readVarString(decoder)) as unknown
      if (state !== null && (typeof state !== 'object' || Array.isArray(state))) {
        throw new Error('awareness state must be an object or null')
      }
      entries.push({ clientId, clock, state: state as AwarenessEntry['state'] })
    }
    if (decoding.hasContent(decoder)) throw new Error('trailing bytes after the awareness update')
    return entries
  } catch (error) {
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
