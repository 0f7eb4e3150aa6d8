import type { PublicPrompt } from '@loopboard/prompts/public'
import type { InterviewView } from '@loopboard/protocol'

export function PhaseList({ prompt, view }: { prompt: PublicPrompt; view: InterviewView }) {
  const started = view.status !== 'not-started'
  return (
    <ol className="phases" aria-label="Phases">
      {prompt.phases.map((phase, i) => (
        <li
          key={phase.id}
          className={started && i === view.phaseIndex ? 'current' : i < view.phaseIndex ? 'done' : ''}
          aria-current={started && i === view.phaseIndex ? 'step' : undefined}
        >
          <span>{phase.title}</span>
          <span className="muted">{phase.minutes} min</span>
        </li>
      ))}
    </ol>
  )
}
