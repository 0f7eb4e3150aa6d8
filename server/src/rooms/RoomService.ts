import { Role, ROLES } from '@loopboard/protocol'
import type { AsyncStorage } from '../storage/AsyncStorage.ts'
import type { RoomRow } from '../storage/Storage.ts'
import { hashToken, newRoomId, newToken } from './tokens.ts'

export type AuthResult =
  | { ok: true; room: RoomRow; role: Role; seat: Role }
  | { ok: false; status: 401 | 403 | 404; code: 'unauthorized' | 'forbidden' | 'not_found'; message: string }

export interface CreatedRoom {
  room: RoomRow
  tokens: Record<Role, string>
}

export interface CreateOptions {
  createdByKey?: string | null
  now?: number
}

const DEFAULT_TITLE = 'System design interview'

/**
 * The role a seat plays now. A link is made for a seat; in a peer mock the interviewer and
 * candidate seats trade roles for the second round, and both links keep working.
 */
export function roleOfSeat(seat: Role, rolesSwapped: boolean): Role {
  if (!rolesSwapped) return seat
  if (seat === Role.Interviewer) return Role.Candidate
  if (seat === Role.Candidate) return Role.Interviewer
  return seat
}

/** The part of storage rooms and tokens live in. */
export type RoomServiceStorage = Pick<
  AsyncStorage,
  'createRoom' | 'getRoom' | 'findSeat' | 'replaceTokenHash' | 'findByTokenHash' | 'setRolesSwapped'
>

/** Rooms and their capability tokens. Every entry point (HTTP, /yjs, socket.io) checks through here. */
export class RoomService {
  private storage: RoomServiceStorage

  constructor(storage: RoomServiceStorage) {
    this.storage = storage
  }

  /** A new room and its three tokens (shown once). `createdByKey`: the interviewer key that asked, if any. */
  async create(
    title: string | undefined,
    { createdByKey = null, now = Date.now() }: CreateOptions = {}
  ): Promise<CreatedRoom> {
    const room: RoomRow = { id: newRoomId(), title: title ?? DEFAULT_TITLE, createdAt: now, createdByKey }
    const tokens = Object.fromEntries(ROLES.map((role) => [role, newToken()])) as Record<Role, string>
    const hashes = Object.fromEntries(ROLES.map((role) => [role, hashToken(tokens[role])])) as Record<Role, string>
    await this.storage.createRoom(room, hashes)
    return { room, tokens }
  }

  /**
   * Replace a seat's link: a new token, whose hash replaces the old one, so the old link stops
   * working everywhere at once. Only hashes are stored, so a link cannot be shown again from the
   * server: replacing is how a lost link is recovered. Returns the new token (shown once).
   */
  async replaceToken(roomId: string, seat: Role): Promise<string> {
    const token = newToken()
    await this.storage.replaceTokenHash(roomId, seat, hashToken(token))
    return token
  }

  get(roomId: string): Promise<RoomRow | null> {
    return this.storage.getRoom(roomId)
  }

  /** Peer mocks: the interviewer and candidate links trade roles (or trade back). */
  setRolesSwapped(roomId: string, swapped: boolean): Promise<void> {
    return this.storage.setRolesSwapped(roomId, swapped)
  }

  /**
   * Who holds `token` in `roomId`. Unknown room → 404, no token → 401, a token that is not
   * one of this room's → 403.
   */
  async authenticate(roomId: string, token: string | null | undefined): Promise<AuthResult> {
    const room = await this.storage.getRoom(roomId)
    if (!room) return { ok: false, status: 404, code: 'not_found', message: `No room "${roomId}".` }
    if (!token) {
      return { ok: false, status: 401, code: 'unauthorized', message: 'A capability token is required.' }
    }
    const seat = await this.storage.findSeat(roomId, hashToken(token))
    if (!seat) {
      return { ok: false, status: 403, code: 'forbidden', message: 'This token does not open this room.' }
    }
    return { ok: true, room, seat, role: roleOfSeat(seat, room.rolesSwapped ?? false) }
  }

  /** Who holds `token`, in whichever room it belongs to. */
  async authenticateAnywhere(token: string | null | undefined): Promise<AuthResult> {
    if (!token) return { ok: false, status: 401, code: 'unauthorized', message: 'A capability token is required.' }
    const found = await this.storage.findByTokenHash(hashToken(token))
    if (!found) return { ok: false, status: 403, code: 'forbidden', message: 'This token opens no room.' }
    return this.authenticate(found.roomId, token)
  }
}
