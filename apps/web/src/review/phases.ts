import { TimelineEventType as T, type AnyTimelineEvent } from '@loopboard/protocol'
import type { SessionBounds } from './format.ts'

/** A stretch of the session: an interview phase, or the time before the start or after the finish. */
export interface PhaseSpan {
  /** Stable within one derivation, for React keys and caches. */
  key: string
  label: string
  /** Index into the prompt's phases; null before the start and after the finish. */
  phaseIndex: number | null
  round: number
  /** Server times: the span is [start, end). */
  start: number
  end: number
}

const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null)
const str = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value.trim() : null)

/**
 * Phases from the interview events: `interview-start` opens phase 0, `interview-next-phase` and
 * `interview-previous-phase` carry the `phaseIndex` they enter, `interview-finish` ends the
 * interview, and `roles-swapped` begins a new round. Pauses do not change the phase. The spans
 * cover the whole session, without gaps; empty ones are dropped.
 */
export function derivePhases(
  events: readonly AnyTimelineEvent[],
  bounds: SessionBounds,
  phaseTitles: readonly string[] = []
): PhaseSpan[] {
  const spans: PhaseSpan[] = []
  let round = 1
  let open: Omit<PhaseSpan, 'end' | 'key'> = {
    label: 'Before the interview',
    phaseIndex: null,
    round,
    start: bounds.start,
  }
  const close = (at: number) => {
    if (at > open.start) spans.push({ ...open, end: at, key: `${spans.length}:${open.start}` })
  }
  const enter = (at: number, next: Omit<PhaseSpan, 'end' | 'key' | 'start' | 'round'>) => {
    const start = Math.max(at, bounds.start)
    close(start)
    open = { ...next, round, start }
  }
  const prefix = () => (round > 1 ? `Round ${round} · ` : '')
  const phaseLabel = (event: AnyTimelineEvent, index: number) =>
    `${prefix()}${index + 1}. ${str(event.data.phase) ?? phaseTitles[index] ?? `Phase ${index + 1}`}`

  for (const event of [...events].sort((a, b) => a.ts - b.ts)) {
    switch (event.type) {
      case T.InterviewStart:
      case T.InterviewNextPhase:
      case T.InterviewPreviousPhase: {
        const index = num(event.data.phaseIndex) ?? (event.type === T.InterviewStart ? 0 : null)
        if (index === null) break
        if (open.phaseIndex === index && open.round === round && event.type !== T.InterviewStart) break
        enter(event.ts, { label: phaseLabel(event, index), phaseIndex: index })
        break
      }
      case T.InterviewFinish:
        enter(event.ts, { label: `${prefix()}After the interview`, phaseIndex: null })
        break
      case T.RolesSwapped:
        round = num(event.data.round) ?? round + 1
        enter(event.ts, { label: `${prefix()}Before the interview`, phaseIndex: null })
        break
    }
  }
  close(Math.max(bounds.end, open.start))
  if (spans.length === 0) spans.push({ ...open, end: open.start, key: `0:${open.start}` })
  return spans
}

/** The span holding server time `t` (the first before the session, the last after it). */
export function phaseAt(spans: readonly PhaseSpan[], t: number): PhaseSpan | null {
  let found: PhaseSpan | null = spans[0] ?? null
  for (const span of spans) {
    if (span.start <= t) found = span
    else break
  }
  return found
}
