import { z } from 'zod'

/**
 * A participant is one browser tab in one seat of a room. The tab keeps a random secret (in
 * sessionStorage, so a reload or reconnect keeps it) and presents it on every entry point; the
 * server derives the participant id from room, seat and secret. The id is public (presence,
 * audio, recording consent and tracks use it); the secret never leaves the tab and the server,
 * so nobody can claim another participant's id.
 */
export const TabSecretSchema = z.string().regex(/^[A-Za-z0-9_-]{22,128}$/, 'a URL-safe random string of 22–128 chars')
export type TabSecret = z.infer<typeof TabSecretSchema>

/** HTTP header that carries the tab secret (`/yjs` takes it as the `tab` query parameter). */
export const TAB_SECRET_HEADER = 'X-Loopboard-Tab'
