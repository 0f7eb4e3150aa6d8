import { formatElapsed, TimelineEventType, type AnyTimelineEvent } from '@loopboard/protocol'
import { createContext, useContext } from 'react'

/**
 * Where the session clock reads 0:00: when the interview started (its first `interview-start`
 * event), the same zero the room stamps notes against; a session never started falls back to
 * the first thing recorded.
 */
export function sessionClockStart(events: readonly Pick<AnyTimelineEvent, 'ts' | 'type'>[], fallback: number): number {
  let start: number | null = null
  for (const e of events)
    if (e.type === TimelineEventType.InterviewStart && (start === null || e.ts < start)) start = e.ts
  return start ?? fallback
}

/** Server time (ms since the epoch) at which the session clock reads 0:00. */
export const SessionClockContext = createContext(0)

/** Format a server time on the session clock, as the room does. */
export function useSessionClock(): (ts: number) => string {
  const start = useContext(SessionClockContext)
  return (ts) => formatElapsed(ts - start)
}
