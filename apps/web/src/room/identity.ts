import { MAX_NAME_LENGTH } from '@loopboard/protocol'

const NAME_KEY = 'loopboard:name'
const USER_ID_KEY = 'loopboard:user-id'

/** Cursor colours, readable on the light canvas. */
const PALETTE = ['#e03131', '#1971c2', '#2f9e44', '#f08c00', '#9c36b5', '#0c8599', '#c2255c', '#5f3dc4']

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

/** A stable colour for a user id. */
export function colorFor(userId: string): string {
  let hash = 0
  for (let i = 0; i < userId.length; i++) hash = (hash * 31 + userId.charCodeAt(i)) | 0
  return PALETTE[Math.abs(hash) % PALETTE.length]!
}
