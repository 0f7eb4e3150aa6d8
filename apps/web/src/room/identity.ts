import { MAX_NAME_LENGTH } from '@loopboard/protocol'

const NAME_KEY = 'loopboard:name'
const USER_ID_KEY = 'loopboard:user-id'

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

/** A per-tab id: two tabs of one person are two cursors, and a reload keeps the id. */
export function tabUserId(): string {
  try {
    const existing = sessionStorage.getItem(USER_ID_KEY)
    if (existing) return existing
    const id = crypto.randomUUID()
    sessionStorage.setItem(USER_ID_KEY, id)
    return id
  } catch {
    return crypto.randomUUID()
  }
}
