import { RECOMMENDATIONS, type InterviewerView, type Scorecard } from '@loopboard/protocol'
import { useState } from 'react'
import { useInterviewStore } from './interviewStore.ts'
import { emptyScorecard, RECOMMENDATION_LABELS, SCORE_LABELS, scorecardMarkdown } from './scorecardMarkdown.ts'
import { useCommand } from './useCommand.ts'
import { useDraftSaver } from './useDraftSaver.ts'
import { ErrorText } from './fields.tsx'
import { FeedbackPublisher } from './FeedbackPublisher.tsx'

function download(filename: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/markdown' }))
  const a = Object.assign(document.createElement('a'), { href: url, download: filename })
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}

/** Whether two scorecards say the same (key order aside). */
function sameScorecard(a: Scorecard, b: Scorecard | null): boolean {
  if (!b || a.recommendation !== b.recommendation || a.summary !== b.summary) return false
  const ids = new Set([...Object.keys(a.scores), ...Object.keys(b.scores)])
  return [...ids].every(
    (id) => a.scores[id]?.score === b.scores[id]?.score && a.scores[id]?.comment === b.scores[id]?.comment
  )
}

/** Rubric scores 1–4 with comments, a recommendation; export as Markdown, publish to the candidate. */
export function ScorecardPanel({ view, candidateName }: { view: InterviewerView; candidateName?: string }) {
  const saved = useInterviewStore((s) => s.scorecard)
  const feedback = useInterviewStore((s) => s.feedback)
  const commands = useInterviewStore((s) => s.commands)
  const prompt = view.guidance
  // This tab's unsaved edits; the server's draft (from a reload or another tab) stands in for them.
  const [draft, setDraft] = useState<Scorecard | null>(null)
  const serverDraft = useInterviewStore((s) => s.drafts?.scorecard ?? null)
  const saver = useDraftSaver()
  const save = useCommand()
  if (!prompt) return <p className="muted">Choose a prompt first: its rubric makes the scorecard.</p>

  const unsaved = draft ?? serverDraft
  const card: Scorecard = unsaved ?? saved ?? emptyScorecard(prompt.rubric)
  const edit = (next: Scorecard) => {
    setDraft(next)
    saver.save({ kind: 'scorecard', scorecard: next })
  }
  const draftKept = unsaved !== null && (draft === null || sameScorecard(draft, serverDraft))
  const setScore = (id: string, patch: Partial<Scorecard['scores'][string]>) =>
    edit({ ...card, scores: { ...card.scores, [id]: { score: null, comment: '', ...card.scores[id], ...patch } } })
  const markdown = scorecardMarkdown(prompt, card, candidateName)

  return (
    <div className="scorecard">
      {prompt.rubric.map((d) => {
        const entry = card.scores[d.id] ?? { score: null, comment: '' }
        return (
          <fieldset key={d.id} className="dimension">
            <legend>{d.title}</legend>
            <p className="muted small-print">{d.description}</p>
            <div className="scores" role="radiogroup" aria-label={`${d.title} score`}>
              {[1, 2, 3, 4].map((n) => (
                <label key={n} className={entry.score === n ? 'selected' : ''}>
                  <input
                    type="radio"
                    name={`score-${d.id}`}
                    value={n}
                    checked={entry.score === n}
                    onChange={() => setScore(d.id, { score: n })}
                  />
                  {n} <span className="muted">{SCORE_LABELS[n]}</span>
                </label>
              ))}
            </div>
            <textarea
              aria-label={`${d.title} comment`}
              rows={2}
              value={entry.comment}
              onChange={(e) => setScore(d.id, { comment: e.target.value })}
              placeholder="Evidence for the score"
            />
          </fieldset>
        )
      })}
      <label htmlFor="recommendation">Overall recommendation</label>
      <select
        id="recommendation"
        value={card.recommendation ?? ''}
        onChange={(e) => edit({ ...card, recommendation: (e.target.value || null) as Scorecard['recommendation'] })}
      >
        <option value="">Not decided</option>
        {RECOMMENDATIONS.map((r) => (
          <option key={r} value={r}>
            {RECOMMENDATION_LABELS[r]}
          </option>
        ))}
      </select>
      <label htmlFor="summary">Summary</label>
      <textarea
        id="summary"
        rows={3}
        value={card.summary}
        onChange={(e) => edit({ ...card, summary: e.target.value })}
      />
      <p className="actions">
        <button
          type="button"
          className="primary"
          disabled={save.busy || !unsaved}
          onClick={() => {
            saver.cancel()
            void save.run(() => commands!.saveScorecard(card)).then((ok) => ok && setDraft(null))
          }}
        >
          {unsaved ? 'Save scorecard' : 'Saved'}
        </button>
        {unsaved ? (
          <span className="muted small-print" role="status" data-testid="draft-status">
            {draftKept ? 'Draft kept on the server' : 'Keeping your draft…'}
          </span>
        ) : null}
        <button type="button" onClick={() => download(`feedback-${prompt.id}.md`, markdown)}>
          Export Markdown
        </button>
      </p>
      <ErrorText error={save.error} />
      <FeedbackPublisher prompt={prompt} card={card} candidateName={candidateName} feedback={feedback} />
    </div>
  )
}
