import { expect, test } from '../fixtures/test.ts'
import { InterviewPanel } from '../fixtures/InterviewPanel.ts'

test('published feedback reaches the candidate rendered, previewed first, recommendation left out unless chosen', async ({
  room,
  join,
}) => {
  const interviewer = await join(room.links.interviewer, 'Ivy')
  const candidate = await join(room.links.candidate, 'Cam')
  await interviewer.ready()
  await candidate.ready()
  const ivy = new InterviewPanel(interviewer.page)
  await ivy.choosePrompt('spotify', 'design-spotify')

  await ivy.open('Scorecard')
  const firstDimension = interviewer.page.locator('fieldset.dimension').first()
  await firstDimension.getByRole('radio', { name: '3 Solid' }).check()
  await firstDimension.getByRole('textbox').fill('Scoped **offline playback** early.')
  await interviewer.page.getByLabel('Overall recommendation').selectOption('strong-yes')
  await interviewer.page.getByLabel('Summary').fill('Clear structure. <img id="raw-html" src="/x" onerror="alert(1)">')
  await interviewer.page.getByRole('button', { name: 'Save scorecard' }).click()

  // The preview shows exactly what the candidate will read; the recommendation is out by default.
  await interviewer.page.getByRole('button', { name: 'Preview feedback for candidate…' }).click()
  const preview = interviewer.page.getByTestId('feedback-preview')
  await expect(preview.getByRole('heading', { name: 'Feedback: Design Spotify' })).toBeVisible()
  await expect(preview).not.toContainText('Recommendation')
  await interviewer.page.getByRole('button', { name: 'Publish to candidate' }).click()

  const cam = new InterviewPanel(candidate.page)
  await cam.open('Interview')
  const feedback = candidate.page.getByTestId('published-feedback')
  await expect(feedback.getByRole('heading', { name: 'Feedback: Design Spotify' })).toBeVisible()
  await expect(feedback.locator('strong', { hasText: 'offline playback' })).toBeVisible()
  await expect(feedback.getByRole('table')).toBeVisible()
  await expect(feedback.getByRole('cell', { name: '3/4 (Solid)' })).toBeVisible()
  // Rendered, not source: no Markdown marks, no table pipes, and no raw HTML element.
  await expect(feedback).not.toContainText('**')
  await expect(feedback).not.toContainText('|')
  await expect(feedback).not.toContainText('# Feedback')
  await expect(candidate.page.locator('#raw-html')).toHaveCount(0)
  await expect(feedback).not.toContainText('Strong hire')
  await expect(feedback).not.toContainText('Recommendation')

  // Publishing again with the recommendation chosen: now the candidate reads it.
  await interviewer.page.getByRole('button', { name: 'Preview and publish again…' }).click()
  await interviewer.page.getByLabel('Include the hire recommendation').check()
  await expect(preview).toContainText('Recommendation: Strong hire')
  await interviewer.page.getByRole('button', { name: 'Publish to candidate' }).click()
  await expect(feedback).toContainText('Recommendation: Strong hire')
  await expect(feedback.locator('strong', { hasText: 'Recommendation:' })).toBeVisible()
})
