import { ApiRequestError } from '../lib/api.ts'

const KEY = 'loopboard:interviewer-key'

/** The interviewer key this browser was given (restricted servers), if remembered. */
export function rememberedInterviewerKey(): string {
  try {
    return localStorage.getItem(KEY) ?? ''
  } catch {
    return ''
  }
}

export function rememberInterviewerKey(key: string): void {
  try {
    if (key) localStorage.setItem(KEY, key)
    else localStorage.removeItem(KEY)
  } catch {
    // Private mode: the key is asked again next time.
  }
}

/** What to tell the person when creating a room failed. */
export function createRoomErrorMessage(error: unknown): string {
  if (error instanceof ApiRequestError) {
    if (error.status === 401) return 'This server creates rooms only with an interviewer key. Enter yours above.'
    if (error.status === 403)
      return `${error.message} Ask the person who runs this server for a new key (npm run keys -- create).`
    if (error.status === 429) {
      const wait = error.retryAfterSeconds
      return `Too many attempts from this network. Try again ${wait ? `in ${wait} s` : 'in a moment'}.`
    }
  }
  return (error as Error).message
}
