import { FeedbackMarkdown } from './FeedbackMarkdown.tsx'
import { useInterviewStore } from './interviewStore.ts'
import { PhaseList } from './PhaseList.tsx'

/** What the candidate and observer see: the statement, the phases, revealed hints, feedback. */
export function CandidatePanel({ showFeedback }: { showFeedback: boolean }) {
  const view = useInterviewStore((s) => s.view)
  const feedback = useInterviewStore((s) => s.feedback)
  if (!view) return <p className="muted">Connecting to the interview…</p>
  return (
    <div className="interview-panel">
      {view.prompt ? (
        <>
          <section aria-labelledby="prompt-title">
            <h2 id="prompt-title">{view.prompt.title}</h2>
            <p className="statement" data-testid="prompt-statement">
              {view.prompt.statement}
            </p>
            <p className="tags">
              {view.prompt.tags.map((t) => (
                <span key={t} className="tag">
                  {t}
                </span>
              ))}
            </p>
          </section>
          <section>
            <h3>Phases</h3>
            <PhaseList prompt={view.prompt} view={view} />
          </section>
          <section aria-live="polite">
            <h3>Hints</h3>
            {view.revealedHints.length ? (
              <ol className="hints" data-testid="revealed-hints">
                {view.revealedHints.map((hint, i) => (
                  <li key={i}>{hint}</li>
                ))}
              </ol>
            ) : (
              <p className="muted">No hints yet. The interviewer may reveal some as you go.</p>
            )}
          </section>
        </>
      ) : (
        <p className="muted" data-testid="waiting-for-prompt">
          Waiting for the interviewer to choose a prompt. Meanwhile the board and the shared notes are open.
        </p>
      )}
      {showFeedback && feedback ? (
        <section className="feedback" aria-labelledby="feedback-title">
          <h3 id="feedback-title">Feedback from your interviewer</h3>
          <FeedbackMarkdown markdown={feedback.markdown} testId="published-feedback" />
        </section>
      ) : null}
    </div>
  )
}
