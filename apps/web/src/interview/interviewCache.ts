import { InterviewStatus, type InterviewView } from '@loopboard/protocol'
import { PublicPromptSchema } from '@loopboard/prompts/public'
import { z } from 'zod'

/** One key per room: what the candidate-visible side of its interview looked like at the last sync. */
const key = (roomId: string) => `loopboard:interview:${roomId}`

/**
 * Only what every participant may see (the prompt statement, phase, clock, revealed hints):
 * never the interviewer's guidance or the room's unused prompts, even in the interviewer's browser.
 */
const CachedViewSchema = z.object({
  round: z.number(),
  status: z.enum([
    InterviewStatus.NotStarted,
    InterviewStatus.Running,
    InterviewStatus.Paused,
    InterviewStatus.Finished,
  ]),
  phaseIndex: z.number(),
  phaseElapsedMs: z.number(),
  phaseResumedAt: z.number().nullable(),
  sessionStartedAt: z.number().nullable(),
  serverNow: z.number(),
  prompt: PublicPromptSchema.nullable(),
  revealedHints: z.array(z.string()),
})

/** Keep the candidate-visible part of `view`, so the room can show it when reopened offline. */
export function cacheInterviewView(roomId: string, view: InterviewView): void {
  const publicView: InterviewView = {
    round: view.round,
    status: view.status,
    phaseIndex: view.phaseIndex,
    phaseElapsedMs: view.phaseElapsedMs,
    phaseResumedAt: view.phaseResumedAt,
    sessionStartedAt: view.sessionStartedAt,
    serverNow: view.serverNow,
    prompt: view.prompt,
    revealedHints: view.revealedHints,
  }
  try {
    localStorage.setItem(key(roomId), JSON.stringify(publicView))
  } catch {
    // Storage full or disabled: an offline reload shows no prompt, nothing else breaks.
  }
}

/** The interview as it was at the last sync in this browser, or null. */
export function cachedInterviewView(roomId: string): InterviewView | null {
  try {
    const raw = localStorage.getItem(key(roomId))
    if (!raw) return null
    const parsed = CachedViewSchema.safeParse(JSON.parse(raw))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}
