import { react, type Signal } from '@tldraw/state'
import {
  createPresenceStateDerivation,
  InstancePresenceRecordType,
  type TLInstancePresence,
  type TLStore,
  type TLUser,
} from '@tldraw/tlschema'
import type { Awareness } from 'y-protocols/awareness'

/** Presence goes out at most once a frame. */
export const PRESENCE_THROTTLE_MS = 16 // ~60 fps

/** Awareness state field that carries the tldraw presence record. */
export const PRESENCE_FIELD = 'presence'

export interface BindPresenceOptions {
  store: TLStore
  awareness: Awareness
  /** The local user; `null` publishes no presence. */
  user: Signal<TLUser | null>
  /**
   * Adjust a peer's presence before it enters the store, given that peer's whole awareness
   * state (e.g. to label the cursor with a role the server vouches for).
   */
  decorate?: (presence: TLInstancePresence, state: Record<string, unknown>) => TLInstancePresence
  /** Called for a peer presence the local schema rejects; that peer is skipped. */
  onInvalidPresence?: (clientId: number, error: unknown) => void
}

function presenceIdOf(clientId: number) {
  return InstancePresenceRecordType.createId(String(clientId))
}

/**
 * Publish the local user's presence (cursor, selection, viewport, name, colour) through Yjs
 * awareness and mirror every peer's presence into the store as `instance_presence` records,
 * which tldraw draws as cursors and uses for following.
 *
 * A peer's record id is derived from its awareness client id, never from what it sent, so a
 * peer cannot overwrite somebody else's cursor.
 *
 * @returns a function that stops publishing and removes the peers' records.
 */
export function bindPresence(options: BindPresenceOptions): () => void {
  const { store, awareness, user, decorate, onInvalidPresence = () => {} } = options
  const ownId = awareness.clientID
  const derivation = createPresenceStateDerivation(user, { instanceId: presenceIdOf(ownId) })(store)

  let timer: ReturnType<typeof setTimeout> | null = null
  const publish = () => {
    timer = null
    awareness.setLocalStateField(PRESENCE_FIELD, derivation.get() ?? null)
  }
  publish()
  const stopReacting = react('publish presence', () => {
    derivation.get()
    if (timer === null) timer = setTimeout(publish, PRESENCE_THROTTLE_MS)
  })

  const readPeer = (clientId: number): TLInstancePresence | null => {
    const state = awareness.getStates().get(clientId) as Record<string, unknown> | undefined
    const raw = state?.[PRESENCE_FIELD]
    if (!state || !raw || typeof raw !== 'object') return null
    try {
      const presence = InstancePresenceRecordType.validate({
        ...(raw as object),
        id: presenceIdOf(clientId),
      })
      return decorate ? decorate(presence, state) : presence
    } catch (error) {
      onInvalidPresence(clientId, error)
      return null
    }
  }

  const sync = (changed: number[], removed: number[]) => {
    const toPut: TLInstancePresence[] = []
    const toRemove: TLInstancePresence['id'][] = []
    for (const clientId of changed) {
      if (clientId === ownId) continue
      const presence = readPeer(clientId)
      if (presence) toPut.push(presence)
      else if (store.has(presenceIdOf(clientId))) toRemove.push(presenceIdOf(clientId))
    }
    for (const clientId of removed) {
      if (clientId !== ownId && store.has(presenceIdOf(clientId))) toRemove.push(presenceIdOf(clientId))
    }
    if (!toPut.length && !toRemove.length) return
    store.mergeRemoteChanges(() => {
      if (toRemove.length) store.remove(toRemove)
      if (toPut.length) store.put(toPut)
    })
  }

  const onChange = (change: { added: number[]; updated: number[]; removed: number[] }) =>
    sync([...change.added, ...change.updated], change.removed)
  awareness.on('change', onChange)
  sync([...awareness.getStates().keys()], [])

  return () => {
    stopReacting()
    if (timer !== null) clearTimeout(timer)
    awareness.off('change', onChange)
    awareness.setLocalStateField(PRESENCE_FIELD, null)
    const peers = store
      .allRecords()
      .filter((r) => r.typeName === 'instance_presence')
      .map((r) => r.id)
    if (peers.length) store.mergeRemoteChanges(() => store.remove(peers))
  }
}
