/**
 * Interview clock arithmetic, shared by server and client. All times are server times in ms
 * since the epoch; a client converts with its measured clock offset, so every participant
 * shows the same remaining time whatever their own clock says.
 */

export const InterviewStatus = {
  NotStarted: 'not-started',
  Running: 'running',
  Paused: 'paused',
  Finished: 'finished',
} as const
export type InterviewStatus = (typeof InterviewStatus)[keyof typeof InterviewStatus]

export interface PhaseClock {
  status: InterviewStatus
  /** Time spent in the current phase before the current running stretch. */
  phaseElapsedMs: number
  /** Server time the current running stretch began; null unless running. */
  phaseResumedAt: number | null
}

/** Time spent in the current phase at server time `now`. */
export function phaseElapsedMs(clock: PhaseClock, now: number): number {
  const running = clock.status === InterviewStatus.Running && clock.phaseResumedAt !== null
  return clock.phaseElapsedMs + (running ? Math.max(0, now - clock.phaseResumedAt!) : 0)
}

/** Remaining budget of the current phase; negative once it runs over. */
export function phaseRemainingMs(clock: PhaseClock, budgetMinutes: number, now: number): number {
  return budgetMinutes * 60_000 - phaseElapsedMs(clock, now)
}

/**
 * Offset to add to the local clock to get server time, from one round trip: the server's
 * answer is assumed to be taken halfway between send and receipt.
 */
export function clockOffsetMs(sentAt: number, serverNow: number, receivedAt: number): number {
  return serverNow - (sentAt + receivedAt) / 2
}

/** `m:ss`, with a leading minus once over budget (e.g. `-1:05`). */
export function formatClock(ms: number): string {
  const negative = ms < 0
  // Count down in whole seconds: 59.2 s left shows 1:00 until it is really 0:59.
  const total = negative ? Math.floor(-ms / 1000) : Math.ceil(ms / 1000)
  const minutes = Math.floor(total / 60)
  const seconds = total % 60
  return `${negative && total > 0 ? '-' : ''}${minutes}:${String(seconds).padStart(2, '0')}`
}

/**
 * Time on the session clock (since the interview started) as `m:ss`, counting up in whole
 * seconds; before the start it reads `-m:ss`. The room and the review both stamp with it, so a
 * note shows the same time in both.
 */
export function formatElapsed(ms: number): string {
  const negative = ms < 0
  const total = Math.floor(Math.abs(ms) / 1000)
  const minutes = Math.floor(total / 60)
  const seconds = total % 60
  return `${negative && total > 0 ? '-' : ''}${minutes}:${String(seconds).padStart(2, '0')}`
}
