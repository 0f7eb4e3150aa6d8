import type { AwarenessEntry } from './awarenessFilter.ts'

/** A client sends awareness for its own doc's client id; allow a few in case Yjs renews it. */
const MAX_AWARENESS_IDS_PER_CONNECTION = 4
/**
 * Most client ids a room remembers owners for. Beyond it, the oldest id nobody is using now is
 * forgotten; a room cannot be made to hold an ever-growing map by connecting again and again.
 */
const MAX_OWNED_IDS_PER_ROOM = 1024

/**
 * Who owns each awareness client id of one room: the participant (server-issued id, from the
 * tab's secret) that first used it, for as long as the room is loaded. A connection applies
 * awareness only for ids it holds; a participant that reconnects gets its ids back, and nobody
 * else can take them — not even while their owner is away.
 */
export class AwarenessOwnership<Conn extends object> {
  private owners = new Map<number, string>()
  private held = new Map<Conn, Set<number>>()
  private readonly maxPerConnection: number
  private readonly maxOwned: number

  constructor(maxPerConnection = MAX_AWARENESS_IDS_PER_CONNECTION, maxOwned = MAX_OWNED_IDS_PER_ROOM) {
    this.maxPerConnection = maxPerConnection
    this.maxOwned = maxOwned
  }

  join(conn: Conn): void {
    this.held.set(conn, new Set())
  }

  /** The ids `conn` was using. They stay owned by its participant. */
  leave(conn: Conn): number[] {
    const ids = [...(this.held.get(conn) ?? [])]
    this.held.delete(conn)
    return ids
  }

  /** The participant that owns `clientId`, if any. */
  ownerOf(clientId: number): string | undefined {
    return this.owners.get(clientId)
  }

  /**
   * May `conn` (of participant `participantId`) apply `entry`? `knownClock` is the clock the room
   * already has for the id (-1 if none).
   */
  accept(conn: Conn, participantId: string, entry: AwarenessEntry, knownClock: number): boolean {
    const held = this.held.get(conn)
    if (!held) return false
    const { clientId, clock, state } = entry
    if (held.has(clientId)) return true
    const owner = this.owners.get(clientId)
    if (owner !== undefined && owner !== participantId) return false
    // A removal never claims an id, and neither does an echo: stock y-websocket clients echo
    // every awareness change they receive, including the removal broadcast when a socket leaves.
    if (state === null || held.size >= this.maxPerConnection) return false
    if (owner === undefined) {
      if (clock <= knownClock || !this.makeRoom()) return false
      this.owners.set(clientId, participantId)
    }
    held.add(clientId)
    return true
  }

  private makeRoom(): boolean {
    if (this.owners.size < this.maxOwned) return true
    const inUse = new Set([...this.held.values()].flatMap((ids) => [...ids]))
    for (const id of this.owners.keys()) {
      if (inUse.has(id)) continue
      this.owners.delete(id)
      return true
    }
    return false
  }
}
