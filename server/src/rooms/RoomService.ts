import { ROLES, type Role } from '@loopboard/protocol'
import type { RoomRow, Storage } from '../storage/Storage.ts'
import { hashToken, newRoomId, newToken } from './tokens.ts'

export type AuthResult =
  | { ok: true; room: RoomRow; role: Role; seat: Role }
  | { ok: false; status: 401 | 403 | 404; code: 'unauthorized' | 'forbidden' | 'not_found'; message: string }

export interface CreatedRoom {
  room: RoomRow
  tokens: Record<Role, string>
}

const DEFAULT_TITLE = 'System design interview'

/** Rooms and their capability tokens. Every entry point (HTTP, /yjs, socket.io) checks through here. */
export class RoomService {
  private storage: Storage

  constructor(storage: Storage) {
    this.storage = storage
  }

  create(title: string | undefined, now = Date.now()): CreatedRoom {
    const room: RoomRow = { id: newRoomId(), title: title ?? DEFAULT_TITLE, createdAt: now }
    const tokens = Object.fromEntries(ROLES.map((role) => [role, newToken()])) as Record<Role, string>
    const hashes = Object.fromEntries(ROLES.map((role) => [role, hashToken(tokens[role])])) as Record<Role, string>
    this.storage.createRoom(room, hashes)
    return { room, tokens }
  }

  get(roomId: string): RoomRow | null {
    return this.storage.getRoom(roomId)
  }

  /**
   * Who holds `token` in `roomId`. Unknown room → 404, no token → 401, a token that is not
   * one of this room's → 403.
   */
  authenticate(roomId: string, token: string | null | undefined): AuthResult {
    const room = this.storage.getRoom(roomId)
    if (!room) return { ok: false, status: 404, code: 'not_found', message: `No room "${roomId}".` }
    if (!token) {
      return { ok: false, status: 401, code: 'unauthorized', message: 'A capability token is required.' }
    }
    const seat = this.storage.findSeat(roomId, hashToken(token))
    if (!seat) {
      return { ok: false, status: 403, code: 'forbidden', message: 'This token does not open this room.' }
    }
    return { ok: true, room, seat, role: seat }
  }
}
