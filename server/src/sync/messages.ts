import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { BudgetExceededError, MalformedMessageError } from './syncErrors.ts'
import { decodeUpdateWithinBudget } from './updateBudget.ts'

/** Top-level y-websocket message types (the first varUint of every frame). */
export const MessageType = {
  Sync: 0,
  Awareness: 1,
  Auth: 2,
  QueryAwareness: 3,
} as const

/** Sync sub-types, from y-protocols. */
export const SyncType = {
  Step1: syncProtocol.messageYjsSyncStep1,
  Step2: syncProtocol.messageYjsSyncStep2,
  Update: syncProtocol.messageYjsUpdate,
} as const

/** y-protocols/auth: the only auth message is "permission denied". */
const AUTH_PERMISSION_DENIED = 0

export type ClientMessage =
  | { type: 'sync-step1'; stateVector: Uint8Array }
  | { type: 'update'; update: Uint8Array; decoded: ReturnType<typeof Y.decodeUpdate> }
  | { type: 'awareness'; update: Uint8Array }
  | { type: 'query-awareness' }
  | { type: 'auth' }

/**
 * Parse one frame from a client, strictly: unknown types, truncated fields, trailing bytes
 * and Yjs payloads that do not decode are all {@link MalformedMessageError}s; a payload nested
 * too deeply to decode is a {@link BudgetExceededError}.
 */
export function parseClientMessage(frame: Uint8Array): ClientMessage {
  try {
    const decoder = decoding.createDecoder(frame)
    const message = readMessage(decoder)
    if (decoding.hasContent(decoder)) throw new Error('trailing bytes after the message')
    return message
  } catch (error) {
    if (error instanceof MalformedMessageError || error instanceof BudgetExceededError) throw error
    throw new MalformedMessageError((error as Error).message || 'undecodable frame')
  }
}

function readMessage(decoder: decoding.Decoder): ClientMessage {
  const type = decoding.readVarUint(decoder)
  switch (type) {
    case MessageType.Sync: {
      const sub = decoding.readVarUint(decoder)
      const payload = decoding.readVarUint8Array(decoder)
      if (sub === SyncType.Step1) {
        Y.decodeStateVector(payload)
        return { type: 'sync-step1', stateVector: payload }
      }
      if (sub === SyncType.Step2 || sub === SyncType.Update) {
        // Decoding the whole update up front rejects garbage before it can touch the doc, and
        // gives the budget check its structs.
        return { type: 'update', update: payload, decoded: decodeUpdateWithinBudget(payload) }
      }
      throw new MalformedMessageError(`unknown sync message type ${sub}`)
    }
    case MessageType.Awareness:
      return { type: 'awareness', update: decoding.readVarUint8Array(decoder) }
    case MessageType.QueryAwareness:
      return { type: 'query-awareness' }
    case MessageType.Auth:
      // Clients have nothing to say on this channel; read and ignore what y-protocols would send.
      decoding.readVarUint(decoder)
      if (decoding.hasContent(decoder)) decoding.readVarString(decoder)
      return { type: 'auth' }
    default:
      throw new MalformedMessageError(`unknown message type ${type}`)
  }
}

function frame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder()
  write(encoder)
  return encoding.toUint8Array(encoder)
}

export const encodeSyncStep1 = (doc: Y.Doc) =>
  frame((e) => {
    encoding.writeVarUint(e, MessageType.Sync)
    syncProtocol.writeSyncStep1(e, doc)
  })

export const encodeSyncStep2 = (doc: Y.Doc, stateVector: Uint8Array) =>
  frame((e) => {
    encoding.writeVarUint(e, MessageType.Sync)
    syncProtocol.writeSyncStep2(e, doc, stateVector)
  })

/** Sync step 1 of a doc held as one encoded update (a sleeping room), without decoding it. */
export const encodeSyncStep1FromState = (state: Uint8Array) =>
  frame((e) => {
    encoding.writeVarUint(e, MessageType.Sync)
    encoding.writeVarUint(e, SyncType.Step1)
    encoding.writeVarUint8Array(e, Y.encodeStateVectorFromUpdate(state))
  })

/** Sync step 2 (what `stateVector` lacks) of a doc held as one encoded update. */
export const encodeSyncStep2FromState = (state: Uint8Array, stateVector: Uint8Array) =>
  frame((e) => {
    encoding.writeVarUint(e, MessageType.Sync)
    encoding.writeVarUint(e, SyncType.Step2)
    encoding.writeVarUint8Array(e, Y.diffUpdate(state, stateVector))
  })

/**
 * A frame of one or two single-byte types, then `payload` as a varUint-length-prefixed byte
 * array: the same bytes lib0's encoder writes. The relay sends one of these for every update and
 * awareness change, so it is written straight into a buffer of Node's shared pool (for frames
 * under 4 KiB) rather than into an encoder: no ArrayBuffer of its own for V8 to track and sweep.
 */
function payloadFrame(types: readonly number[], payload: Uint8Array): Uint8Array {
  let lengthBytes = 1
  for (let n = payload.byteLength; n > 0x7f; n = Math.floor(n / 0x80)) lengthBytes++
  const out = Buffer.allocUnsafe(types.length + lengthBytes + payload.byteLength)
  let at = 0
  for (const type of types) out[at++] = type // every message type is below 0x80: one varUint byte
  let n = payload.byteLength
  while (n > 0x7f) {
    out[at++] = 0x80 | (n & 0x7f)
    n = Math.floor(n / 0x80)
  }
  out[at++] = n
  out.set(payload, at)
  return out
}

const UPDATE_TYPES = [MessageType.Sync, SyncType.Update] as const
const AWARENESS_TYPES = [MessageType.Awareness] as const

export const encodeUpdate = (update: Uint8Array) => payloadFrame(UPDATE_TYPES, update)

export const encodeAwareness = (update: Uint8Array) => payloadFrame(AWARENESS_TYPES, update)

export const encodePermissionDenied = (reason: string) =>
  frame((e) => {
    encoding.writeVarUint(e, MessageType.Auth)
    encoding.writeVarUint(e, AUTH_PERMISSION_DENIED)
    encoding.writeVarString(e, reason)
  })

/** An update that carries no structs and deletes nothing (e.g. a read-only peer's sync step 2). */
export function isEmptyUpdate({ structs, ds }: ReturnType<typeof Y.decodeUpdate>): boolean {
  return structs.length === 0 && ds.clients.size === 0
}
