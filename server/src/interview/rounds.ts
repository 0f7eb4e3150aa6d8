import { Role, TimelineEventType, type AnyTimelineEvent } from '@loopboard/protocol'

/**
 * A session is a sequence of rounds. Round 1 is run by the interviewer's seat; every Swap roles
 * trades the two seats and starts the next round, so odd rounds are the interviewer seat's and
 * even rounds the candidate seat's. The observer's seat never runs a round.
 */
export function interviewerSeatOfRound(round: number): Role {
  return round % 2 === 1 ? Role.Interviewer : Role.Candidate
}

/** The rounds (1…`latestRound`) that `seat` ran as interviewer, oldest first. */
export function roundsRunBy(seat: Role, latestRound: number): number[] {
  const rounds: number[] = []
  for (let round = 1; round <= latestRound; round++) if (interviewerSeatOfRound(round) === seat) rounds.push(round)
  return rounds
}

/** When a round ran, in server time: from its start (0 for round 1) to the next swap (null: still running). */
export interface RoundWindow {
  round: number
  start: number
  end: number | null
}

/** Each round's window, from the room's `roles-swapped` events (which carry the round they start). */
export function roundWindow(events: readonly AnyTimelineEvent[], round: number): RoundWindow {
  let start = 0
  let end: number | null = null
  for (const event of events) {
    if (event.type !== TimelineEventType.RolesSwapped) continue
    const started = typeof event.data.round === 'number' ? event.data.round : null
    if (started === round) start = event.ts
    else if (started === round + 1) end = event.ts
  }
  return { round, start, end }
}

/** Whether server time `ts` falls within the window (start inclusive, end exclusive). */
export function inWindow(window: RoundWindow, ts: number): boolean {
  return ts >= window.start && (window.end === null || ts < window.end)
}
