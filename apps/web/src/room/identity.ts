import { MAX_NAME_LENGTH, TAB_SECRET_HEADER, TabSecretSchema } from '@loopboard/protocol'

const NAME_KEY = 'loopboard:name'
const TAB_SECRET_KEY = 'loopboard:tab-secret'

/**
 * Our colour until the server assigns one (in its hello): a neutral grey, so nobody briefly
 * wears a colour that belongs to someone else.
 */
export const UNASSIGNED_COLOR = '#868e96'

export function rememberedName(): string | null {
  try {
    return localStorage.getItem(NAME_KEY)
  } catch {
    return null
  }
}

export function rememberName(name: string): void {
  try {
    localStorage.setItem(NAME_KEY, name)
  } catch {
    // Private mode: the prompt simply comes back next time.
  }
}

export function cleanName(raw: string): string {
  return raw.trim().replace(/\s+/g, ' ').slice(0, MAX_NAME_LENGTH)
}

/**
 * This tab's secret: random, kept in sessionStorage (a reload or reconnect keeps it, another tab
 * gets its own). The server derives the tab's participant id from it; it is sent only to the
 * server (`X-Loopboard-Tab`, the handshake, `/yjs?tab=`) and never shown to anyone else.
 */
export function tabSecret(): string {
  try {
    const existing = sessionStorage.getItem(TAB_SECRET_KEY)
    if (existing && TabSecretSchema.safeParse(existing).success) return existing
    const fresh = newSecret()
    sessionStorage.setItem(TAB_SECRET_KEY, fresh)
    return fresh
  } catch {
    return (memorySecret ??= newSecret())
  }
}

let memorySecret: string | undefined

function newSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24))
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replaceAll('=', '')
}

/** Headers that prove who is asking: the link's capability token and this tab's secret. */
export function seatHeaders(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}`, [TAB_SECRET_HEADER]: tabSecret() }
}
