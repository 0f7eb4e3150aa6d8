import { formatElapsed, InterviewStatus } from '@loopboard/protocol'
import { Clock } from 'lucide-react'
import { ICON_PX } from '../lib/IconButton.tsx'
import { useInterviewStore } from './interviewStore.ts'
import { useServerNow } from './useServerNow.ts'

/** Whole seconds are enough for a clock that counts up from the start. */
const TICK_MS = 500

/**
 * Time since the interview started, pauses included: the same session clock that stamps the
 * notes. Shown beside the phase clock while the interview runs or is paused.
 */
export function SessionClock() {
  const status = useInterviewStore((s) => s.view?.status)
  const startedAt = useInterviewStore((s) => s.view?.sessionStartedAt ?? null)
  const live = status === InterviewStatus.Running || status === InterviewStatus.Paused
  const now = useServerNow(live, TICK_MS)
  if (!live || startedAt === null) return null
  const elapsed = Math.max(0, now - startedAt)
  return (
    <span
      className="session-clock"
      data-testid="total-clock"
      data-elapsed-ms={Math.round(elapsed)}
      title="Total interview time since the start"
    >
      <Clock size={ICON_PX - 2} aria-hidden="true" focusable="false" />
      <span className="label">Total</span>
      <span className="clock">{formatElapsed(elapsed)}</span>
    </span>
  )
}
