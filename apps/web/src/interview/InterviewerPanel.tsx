import { ControlAction, InterviewStatus, type InterviewerView } from '@loopboard/protocol'
import { ChevronLeft, ChevronRight } from 'lucide-react'
import { useState } from 'react'
import { ICON_PX } from '../lib/IconButton.tsx'
import { useConfirm } from '../lib/useConfirm.tsx'
import { useInterviewStore } from './interviewStore.ts'
import { PhaseList } from './PhaseList.tsx'
import { PromptPicker } from './PromptPicker.tsx'
import { useCommand } from './useCommand.ts'
import { ErrorText } from './fields.tsx'

function Controls({ view }: { view: InterviewerView }) {
  const commands = useInterviewStore((s) => s.commands)
  const { busy, error, run } = useCommand()
  const [confirm, confirmDialog] = useConfirm()
  const act = (action: ControlAction) => void run(() => commands!.control(action))
  const finish = async () => {
    const ok = await confirm({
      title: 'Finish the interview?',
      body: <p>The clock stops for everyone and the interview cannot be resumed. Notes and the scorecard stay open.</p>,
      confirmLabel: 'Finish interview',
    })
    if (ok) act(ControlAction.Finish)
  }
  const last = view.phaseIndex >= (view.prompt?.phases.length ?? 1) - 1
  const { status } = view
  return (
    <div className="controls" role="group" aria-label="Interview controls">
      {status === InterviewStatus.NotStarted ? (
        <button type="button" className="primary" disabled={busy} onClick={() => act(ControlAction.Start)}>
          Start interview
        </button>
      ) : null}
      {status === InterviewStatus.Running ? (
        <button type="button" disabled={busy} onClick={() => act(ControlAction.Pause)}>
          Pause
        </button>
      ) : null}
      {status === InterviewStatus.Paused ? (
        <button type="button" className="primary" disabled={busy} onClick={() => act(ControlAction.Resume)}>
          Resume
        </button>
      ) : null}
      {status === InterviewStatus.Running || status === InterviewStatus.Paused ? (
        <>
          <button
            type="button"
            disabled={busy || view.phaseIndex === 0}
            onClick={() => act(ControlAction.PreviousPhase)}
            aria-label="Previous phase"
          >
            <ChevronLeft size={ICON_PX} aria-hidden="true" /> Phase
          </button>
          {last ? (
            <button type="button" disabled={busy} onClick={() => void finish()}>
              Finish
            </button>
          ) : (
            <button type="button" className="primary" disabled={busy} onClick={() => act(ControlAction.NextPhase)}>
              Next phase <ChevronRight size={ICON_PX} aria-hidden="true" />
            </button>
          )}
        </>
      ) : null}
      <ErrorText error={error} />
      {confirmDialog}
    </div>
  )
}

function List({ title, items }: { title: string; items: readonly string[] }) {
  if (!items.length) return null
  return (
    <section>
      <h3>{title}</h3>
      <ul>
        {items.map((item, i) => (
          <li key={i}>{item}</li>
        ))}
      </ul>
    </section>
  )
}

function Guidance({ view }: { view: InterviewerView }) {
  const commands = useInterviewStore((s) => s.commands)
  const { busy, error, run } = useCommand()
  const g = view.guidance
  if (!g) return null
  const revealed = view.revealedHints.length
  const phase = g.phases[view.phaseIndex]
  return (
    <div className="guidance" data-testid="guidance">
      {phase ? (
        <section>
          <h3>This phase: {phase.title}</h3>
          <ul>
            {phase.goals.map((goal, i) => (
              <li key={i}>{goal}</li>
            ))}
          </ul>
        </section>
      ) : null}
      <section aria-labelledby="hints-title">
        <h3 id="hints-title">
          Hints{' '}
          <span className="muted">
            ({revealed} of {g.hints.length} revealed)
          </span>
        </h3>
        <ol className="hints">
          {g.hints.map((hint, i) => (
            <li key={i} className={i < revealed ? 'revealed' : 'hidden-hint'}>
              {hint}
              {i < revealed ? <span className="muted"> · revealed</span> : null}
            </li>
          ))}
        </ol>
        <button
          type="button"
          disabled={busy || revealed >= g.hints.length}
          onClick={() => void run(() => commands!.revealHint())}
        >
          {revealed >= g.hints.length ? 'All hints revealed' : `Reveal hint ${revealed + 1}`}
        </button>
        <ErrorText error={error} />
      </section>
      <List title="Clarifying questions a strong candidate asks" items={g.clarifyingQuestions} />
      <List title="Functional requirements" items={g.requirements.functional} />
      <List title="Non-functional requirements" items={g.requirements.nonFunctional} />
      {g.estimates.length ? (
        <section>
          <h3>Back-of-envelope numbers</h3>
          <ul>
            {g.estimates.map((e, i) => (
              <li key={i}>
                <strong>{e.label}:</strong> {e.value} <span className="muted">— {e.reasoning}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <List title="Deep-dive follow-ups" items={g.deepDives} />
      <List title="A strong answer covers" items={g.strongAnswer} />
      {g.topics?.map((topic) => (
        <List key={topic.title} title={`Topic: ${topic.title}`} items={topic.notes} />
      ))}
    </div>
  )
}

function SwapRoles({ view }: { view: InterviewerView }) {
  const commands = useInterviewStore((s) => s.commands)
  const { busy, error, run } = useCommand()
  const live = view.status === InterviewStatus.Running || view.status === InterviewStatus.Paused
  return (
    <section className="swap">
      <h3>Peer mock</h3>
      <p className="muted">
        Trade places for round {view.round + 1}: the candidate becomes the interviewer and picks a new prompt. Both
        links keep working.
      </p>
      <button
        type="button"
        disabled={busy || live}
        title={live ? 'Finish the interview first' : undefined}
        onClick={() => {
          if (window.confirm('Swap roles with the candidate? They will run the next round.'))
            void run(() => commands!.swapRoles())
        }}
      >
        Swap roles
      </button>
      <ErrorText error={error} />
    </section>
  )
}

/** The interviewer's side: choose a prompt, run the clock, reveal hints, read the guidance. */
export function InterviewerPanel({ view }: { view: InterviewerView }) {
  const [picking, setPicking] = useState(false)
  const [confirm, confirmDialog] = useConfirm()
  const live = view.status === InterviewStatus.Running || view.status === InterviewStatus.Paused
  const changePrompt = async () => {
    const ok =
      !live ||
      (await confirm({
        title: 'Change the prompt mid-interview?',
        body: (
          <p>
            The candidate will see the new prompt at once, and the hints revealed so far are cleared. The clock keeps
            running.
          </p>
        ),
        confirmLabel: 'Choose another prompt',
      }))
    if (ok) setPicking(true)
  }
  if (!view.prompt || picking) {
    return (
      <PromptPicker
        customPrompts={view.customPrompts}
        currentId={view.prompt?.id ?? null}
        onDone={() => setPicking(false)}
      />
    )
  }
  return (
    <div className="interview-panel">
      <section aria-labelledby="prompt-title">
        <h2 id="prompt-title">{view.prompt.title}</h2>
        <p className="statement">{view.prompt.statement}</p>
        <button type="button" className="small" onClick={() => void changePrompt()}>
          Change prompt
        </button>
        {confirmDialog}
      </section>
      <Controls view={view} />
      <PhaseList prompt={view.prompt} view={view} />
      <Guidance view={view} />
      {view.status === InterviewStatus.NotStarted || view.status === InterviewStatus.Finished ? (
        <SwapRoles view={view} />
      ) : null}
    </div>
  )
}
