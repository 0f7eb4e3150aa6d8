import { createHash, randomBytes } from 'node:crypto'

/** Capability tokens carry 256 bits of randomness. */
const TOKEN_BYTES = 32
/** Room ids are public (they are in every link) but unguessable enough not to collide. */
const ROOM_ID_BYTES = 12

/** A new capability secret, URL-safe. */
export function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url')
}

export function newRoomId(): string {
  return randomBytes(ROOM_ID_BYTES).toString('base64url')
}

/** What the database keeps instead of the token. A fast hash is right: the input is 256 random bits. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}
