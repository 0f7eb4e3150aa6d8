import type { Participant } from '../fixtures/RoomPage.ts'
import { expect, test } from '../fixtures/test.ts'
import { InterviewPanel } from '../fixtures/InterviewPanel.ts'

async function writeNote(p: Participant, text: string) {
  await new InterviewPanel(p.page).open('My notes')
  await p.page.getByLabel('New note').fill(text)
  await p.page.getByRole('button', { name: 'Add note' }).click()
  await expect(p.page.getByTestId('note').filter({ hasText: text })).toHaveCount(1)
}

const reviewOf = (link: string, round?: number) =>
  link.replace('#', `/review${round === undefined ? '' : `?round=${round}`}#`)

test('after a swap each side reviews the round it ran, and only that round', async ({ room, join }) => {
  const ivy = await join(room.links.interviewer, 'Ivy')
  const cam = await join(room.links.candidate, 'Cam')
  await ivy.ready()
  await cam.ready()

  // Round 1: Ivy interviews.
  await new InterviewPanel(ivy.page).choosePrompt('spotify', 'design-spotify')
  await writeNote(ivy, 'ROUND-ONE-NOTE by Ivy')
  await new InterviewPanel(ivy.page).open('Interview')
  ivy.page.once('dialog', (dialog) => void dialog.accept())
  await ivy.page.getByRole('button', { name: 'Swap roles' }).click()
  await expect(cam.page.getByTestId('my-role')).toHaveText('interviewer')

  // Round 2: Cam interviews.
  await new InterviewPanel(cam.page).choosePrompt('playlist', 'collaborative-playlist')
  await writeNote(cam, 'ROUND-TWO-NOTE by Cam')

  // Ivy (a candidate now) still reviews round 1: her notes, the delete control.
  await ivy.page.goto(reviewOf(room.links.interviewer))
  await expect(ivy.page.getByTestId('review-note')).toHaveCount(1, { timeout: 20_000 })
  await expect(ivy.page.getByTestId('review-note')).toContainText('ROUND-ONE-NOTE')
  await expect(ivy.page.getByTestId('delete-session')).toBeVisible()
  await expect(ivy.page.locator('body')).not.toContainText('ROUND-TWO-NOTE')

  // Cam reviews round 2: his notes only, and no delete (the session is Ivy's).
  await cam.page.goto(reviewOf(room.links.candidate))
  await expect(cam.page.getByTestId('review-note')).toHaveCount(1, { timeout: 20_000 })
  await expect(cam.page.getByTestId('review-note')).toContainText('ROUND-TWO-NOTE')
  await expect(cam.page.locator('.topbar').getByText('Round 2', { exact: true })).toBeVisible()
  await expect(cam.page.getByTestId('delete-session')).toHaveCount(0)
  await expect(cam.page.locator('body')).not.toContainText('ROUND-ONE-NOTE')

  // Neither reaches the other's round.
  await cam.page.goto(reviewOf(room.links.candidate, 1))
  await expect(cam.page.getByRole('heading', { name: 'This is not your round to review' })).toBeVisible({
    timeout: 20_000,
  })
  await ivy.page.goto(reviewOf(room.links.interviewer, 2))
  await expect(ivy.page.getByRole('heading', { name: 'This is not your round to review' })).toBeVisible({
    timeout: 20_000,
  })
})
