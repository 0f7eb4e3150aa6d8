import { z } from 'zod'

const KEY = 'loopboard:sessions'

/** A session this browser created or opened as interviewer. The server validates it on display. */
const StoredSessionSchema = z.object({
  roomId: z.string(),
  title: z.string(),
  /** The interviewer link (holds the capability token). */
  link: z.string(),
  createdAt: z.number(),
  /** The candidate's and observer's links, kept in this browser only (the server keeps hashes). */
  invites: z.object({ candidate: z.string().optional(), observer: z.string().optional() }).optional(),
})
export type StoredSession = z.infer<typeof StoredSessionSchema>

export function storedSessions(): StoredSession[] {
  try {
    const parsed = z.array(StoredSessionSchema).safeParse(JSON.parse(localStorage.getItem(KEY) ?? '[]'))
    return parsed.success ? parsed.data.sort((a, b) => b.createdAt - a.createdAt) : []
  } catch {
    return []
  }
}

function save(sessions: StoredSession[]) {
  try {
    localStorage.setItem(KEY, JSON.stringify(sessions))
  } catch {
    // Storage full or disabled: the list is a convenience.
  }
}

export function rememberSession(session: StoredSession): void {
  save([session, ...storedSessions().filter((s) => s.roomId !== session.roomId)])
}

/** The invite links this browser keeps for a room, by seat. */
export function storedInvites(roomId: string): { candidate?: string; observer?: string } {
  return storedSessions().find((s) => s.roomId === roomId)?.invites ?? {}
}

/** Remember a (new) invite link, if this browser keeps the room. */
export function rememberInvite(roomId: string, seat: 'candidate' | 'observer', link: string): void {
  save(storedSessions().map((s) => (s.roomId === roomId ? { ...s, invites: { ...s.invites, [seat]: link } } : s)))
}

export function forgetSession(roomId: string): void {
  save(storedSessions().filter((s) => s.roomId !== roomId))
}

/** The capability token in a stored link. */
export function tokenOf(link: string): string | null {
  return new URLSearchParams(new URL(link).hash.replace(/^#/, '')).get('token')
}
