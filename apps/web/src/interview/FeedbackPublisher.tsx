import type { Prompt } from '@loopboard/prompts/public'
import type { Feedback, Scorecard } from '@loopboard/protocol'
import { useState } from 'react'
import { FeedbackMarkdown } from './FeedbackMarkdown.tsx'
import { ErrorText } from './fields.tsx'
import { useInterviewStore } from './interviewStore.ts'
import { scorecardMarkdown } from './scorecardMarkdown.ts'
import { useCommand } from './useCommand.ts'

/**
 * Publishing feedback to the candidate: a preview of exactly what they will read, with the
 * choice to leave out the hire recommendation (left out by default: many teams decide it later).
 */
export function FeedbackPublisher({
  prompt,
  card,
  candidateName,
  feedback,
}: {
  prompt: Pick<Prompt, 'title' | 'rubric'>
  card: Scorecard
  candidateName?: string
  feedback: Feedback | null
}) {
  const commands = useInterviewStore((s) => s.commands)
  const [previewing, setPreviewing] = useState(false)
  const [withRecommendation, setWithRecommendation] = useState(false)
  const publish = useCommand()
  const markdown = scorecardMarkdown(prompt, card, candidateName, { includeRecommendation: withRecommendation })

  if (!previewing) {
    return (
      <>
        <button type="button" onClick={() => setPreviewing(true)}>
          {feedback ? 'Preview and publish again…' : 'Preview feedback for candidate…'}
        </button>
        {feedback ? (
          <p className="muted" role="status">
            Published {new Date(feedback.publishedAt).toLocaleTimeString()}; the candidate sees it from their link.
          </p>
        ) : null}
      </>
    )
  }
  return (
    <section className="feedback-preview" aria-labelledby="feedback-preview-title">
      <h3 id="feedback-preview-title">What the candidate will read</h3>
      <label className="check">
        <input type="checkbox" checked={withRecommendation} onChange={(e) => setWithRecommendation(e.target.checked)} />{' '}
        Include the hire recommendation
      </label>
      <FeedbackMarkdown markdown={markdown} testId="feedback-preview" />
      <p className="actions">
        <button
          type="button"
          className="primary"
          disabled={publish.busy}
          onClick={() =>
            void publish.run(() => commands!.publishFeedback(markdown)).then((ok) => ok && setPreviewing(false))
          }
        >
          Publish to candidate
        </button>
        <button type="button" onClick={() => setPreviewing(false)}>
          Cancel
        </button>
      </p>
      <ErrorText error={publish.error} />
    </section>
  )
}
