import type { RubricDimension } from '@loopboard/prompts/public'
import { RECOMMENDATION_LABELS, SCORE_LABELS } from '../interview/scorecardMarkdown.ts'
import type { ReviewResponse } from '@loopboard/protocol'

/** The rubric of the review's prompt, or (without a prompt) one dimension per scored id. */
export function reviewRubric(review: Pick<ReviewResponse, 'prompt' | 'scorecard'>): RubricDimension[] {
  if (review.prompt) return review.prompt.rubric
  return Object.keys(review.scorecard?.scores ?? {}).map((id) => ({ id, title: id, description: '' }))
}

/** The interviewer's scorecard, read-only. */
export function ScorecardView({ review }: { review: ReviewResponse }) {
  const { scorecard } = review
  if (!scorecard) return <p className="muted">No scorecard was saved for this round.</p>
  const rubric = reviewRubric(review)
  return (
    <div className="review-scorecard" data-testid="review-scorecard">
      <p>
        <strong>Recommendation:</strong>{' '}
        {scorecard.recommendation ? (
          RECOMMENDATION_LABELS[scorecard.recommendation]
        ) : (
          <span className="muted">none</span>
        )}
      </p>
      <dl className="review-scores">
        {rubric.map((dimension) => {
          const entry = scorecard.scores[dimension.id]
          const score = entry?.score ?? null
          return (
            <div key={dimension.id} className="review-score">
              <dt title={dimension.description || undefined}>{dimension.title}</dt>
              <dd>
                <span
                  className={`score-pill${score ? ` score-${score}` : ''}`}
                  aria-label={score ? `Score ${score} of 4, ${SCORE_LABELS[score]}` : 'Not scored'}
                >
                  {score ? `${score}/4 · ${SCORE_LABELS[score]}` : '—'}
                </span>
                {entry?.comment.trim() ? <p className="comment">{entry.comment}</p> : null}
              </dd>
            </div>
          )
        })}
      </dl>
      {scorecard.summary.trim() ? (
        <>
          <h3>Summary</h3>
          <p className="statement">{scorecard.summary}</p>
        </>
      ) : null}
      {review.feedback ? (
        <p className="muted small-print">
          Feedback published {new Date(review.feedback.publishedAt).toLocaleString()} (round {review.feedback.round}).
        </p>
      ) : null}
    </div>
  )
}
