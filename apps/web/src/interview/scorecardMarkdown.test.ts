import { describe, expect, it } from 'vitest'
import { emptyScorecard, scorecardMarkdown } from './scorecardMarkdown.ts'

const rubric = [
  { id: 'requirements', title: 'Requirements', description: 'd' },
  { id: 'design', title: 'High-level design', description: 'd' },
]

describe('scorecardMarkdown', () => {
  it('writes recommendation, summary, a score table and the comments', () => {
    const card = emptyScorecard(rubric)
    card.scores.requirements = { score: 3, comment: 'Asked about offline use early.' }
    card.recommendation = 'yes'
    card.summary = 'Clear and structured.'
    const md = scorecardMarkdown({ title: 'Design Spotify', rubric }, card, 'Cam')
    expect(md).toContain('# Feedback: Design Spotify')
    expect(md).toContain('Candidate: Cam')
    expect(md).toContain('**Recommendation:** Hire')
    expect(md).toContain('| Requirements | 3/4 (Solid) |')
    expect(md).toContain('| High-level design | — |')
    expect(md).toContain('### Requirements\n\nAsked about offline use early.')
    expect(md).not.toContain('### High-level design')
  })

  it('leaves the recommendation out of what the candidate reads when asked to', () => {
    const card = emptyScorecard(rubric)
    card.recommendation = 'strong-no'
    card.summary = 'Solid start.'
    const md = scorecardMarkdown({ title: 'Design Spotify', rubric }, card, 'Cam', { includeRecommendation: false })
    expect(md).not.toContain('Recommendation')
    expect(md).not.toContain('hire')
    expect(md).toContain('Solid start.')
  })
})
