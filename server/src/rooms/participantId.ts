import { createHash, randomBytes } from 'node:crypto'
import { TabSecretSchema, type Role } from '@loopboard/protocol'

/** Participant ids are public; 128 bits keep them from colliding. */
const ID_CHARS = 22

/**
 * The participant id of a tab in a room's seat: derived from the tab's secret, so the same tab
 * gets it back on every reconnect and reload, and nobody without that secret can produce it
 * (the hash cannot be inverted, and the seat is in it, so another link's holder cannot either).
 * Without a valid secret, a fresh id for this one connection.
 */
export function participantIdFor(roomId: string, seat: Role, tab: string | null | undefined): string {
  if (!TabSecretSchema.safeParse(tab).success) return randomBytes(16).toString('base64url').slice(0, ID_CHARS)
  return createHash('sha256')
    .update(`loopboard-participant\0${roomId}\0${seat}\0${tab}`)
    .digest('base64url')
    .slice(0, ID_CHARS)
}
