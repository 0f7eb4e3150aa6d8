import { formatClock, InterviewStatus, phaseRemainingMs } from '@loopboard/protocol'
import { useInterviewStore } from './interviewStore.ts'
import { useServerNow } from './useServerNow.ts'

/** Current phase and its remaining time, the same on every screen; red once over budget. */
export function PhaseTimer() {
  const view = useInterviewStore((s) => s.view)
  const now = useServerNow(view?.status === InterviewStatus.Running)
  if (!view?.prompt) return null
  const phase = view.prompt.phases[view.phaseIndex]
  if (!phase) return null
  const remaining = phaseRemainingMs(view, phase.minutes, now)
  const over = remaining < 0
  const label =
    view.status === InterviewStatus.NotStarted
      ? 'Not started'
      : view.status === InterviewStatus.Finished
        ? 'Finished'
        : phase.title
  return (
    <span
      className={`timer ${over ? 'over' : ''} status-${view.status}`}
      data-testid="phase-timer"
      data-phase-index={view.phaseIndex}
      data-remaining-ms={Math.round(remaining)}
      title={over ? `Over the ${phase.minutes}-minute budget of this phase` : `${phase.minutes}-minute budget`}
    >
      <span className="phase" title={label}>
        {view.status === InterviewStatus.NotStarted
          ? label
          : `${view.phaseIndex + 1}/${view.prompt.phases.length} · ${label}`}
      </span>
      {view.status !== InterviewStatus.NotStarted ? (
        <span className="clock" data-testid="phase-clock">
          {formatClock(remaining)}
          {over ? ' over' : ''}
          {view.status === InterviewStatus.Paused ? ' (paused)' : ''}
        </span>
      ) : null}
    </span>
  )
}
