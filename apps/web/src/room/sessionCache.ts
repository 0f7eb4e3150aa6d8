import { RoomSessionSchema, type RoomSession } from '@loopboard/protocol'

/** Keyed by room and a token prefix: one browser may hold two links (two roles) of one room. */
const key = (roomId: string, token: string) => `loopboard:session:${roomId}:${token.slice(0, 12)}`

/**
 * The last session the server confirmed for this room, so a participant can reopen the
 * room (and keep drawing) while the server is unreachable. It holds no secret beyond
 * what the link in the address bar already holds.
 */
export function cachedSession(roomId: string, token: string): RoomSession | null {
  try {
    const raw = localStorage.getItem(key(roomId, token))
    if (!raw) return null
    const parsed = RoomSessionSchema.safeParse(JSON.parse(raw))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

export function cacheSession(session: RoomSession, token: string): void {
  try {
    localStorage.setItem(key(session.roomId, token), JSON.stringify(session))
  } catch {
    // Storage full or disabled: offline reopen is unavailable, nothing else breaks.
  }
}
