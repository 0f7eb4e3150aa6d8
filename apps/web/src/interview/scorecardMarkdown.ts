import type { Prompt, RubricDimension } from '@loopboard/prompts/public'
import type { Recommendation, Scorecard } from '@loopboard/protocol'

export const RECOMMENDATION_LABELS: Record<Recommendation, string> = {
  'strong-no': 'Strong no hire',
  no: 'No hire',
  yes: 'Hire',
  'strong-yes': 'Strong hire',
}

export const SCORE_LABELS: Record<number, string> = { 1: 'Weak', 2: 'Mixed', 3: 'Solid', 4: 'Strong' }

/** An empty scorecard for a prompt's rubric. */
export function emptyScorecard(rubric: readonly RubricDimension[]): Scorecard {
  return {
    scores: Object.fromEntries(rubric.map((d) => [d.id, { score: null, comment: '' }])),
    recommendation: null,
    summary: '',
  }
}

/**
 * The scorecard as Markdown, for export and for the feedback the candidate reads
 * (`includeRecommendation: false` leaves the hire recommendation out of the latter).
 */
export function scorecardMarkdown(
  prompt: Pick<Prompt, 'title' | 'rubric'>,
  scorecard: Scorecard,
  candidateName?: string,
  { includeRecommendation = true }: { includeRecommendation?: boolean } = {}
): string {
  const lines = [`# Feedback: ${prompt.title}`, '']
  if (candidateName) lines.push(`Candidate: ${candidateName}`, '')
  if (includeRecommendation && scorecard.recommendation)
    lines.push(`**Recommendation:** ${RECOMMENDATION_LABELS[scorecard.recommendation]}`, '')
  if (scorecard.summary.trim()) lines.push('## Summary', '', scorecard.summary.trim(), '')
  lines.push('## Scores', '', '| Dimension | Score |', '| --- | --- |')
  for (const dimension of prompt.rubric) {
    const score = scorecard.scores[dimension.id]?.score
    lines.push(`| ${dimension.title} | ${score ? `${score}/4 (${SCORE_LABELS[score]})` : '—'} |`)
  }
  lines.push('')
  for (const dimension of prompt.rubric) {
    const comment = scorecard.scores[dimension.id]?.comment.trim()
    if (comment) lines.push(`### ${dimension.title}`, '', comment, '')
  }
  return lines.join('\n').trimEnd() + '\n'
}
