import { AudioBar } from '../fixtures/audio.ts'
import { expect, test } from '../fixtures/test.ts'

test('the interviewer sees who consented to recording; cursor labels show speaking and muted; muted is not green', async ({
  joinEveryone,
}) => {
  test.setTimeout(120_000)
  const { interviewer, candidate } = await joinEveryone() // the observer is in the room too
  const ivyAudio = new AudioBar(interviewer.page)
  const camAudio = new AudioBar(candidate.page)
  await ivyAudio.join()
  await camAudio.join()

  await interviewer.page.getByRole('tab', { name: /People/ }).click()
  const row = (name: string) => interviewer.page.getByTestId('participant').filter({ hasText: name })
  const consent = (name: string) => row(name).getByTestId('participant-consent')
  // Nothing to show before anyone records.
  await expect(interviewer.page.getByTestId('participant-consent')).toHaveCount(0)

  await interviewer.page.getByRole('button', { name: 'Record', exact: true }).click()
  // Everyone who speaks is asked; the observer is never recorded, so never asked.
  await expect(consent('Cam')).toHaveAttribute('data-consent', 'asked')
  await expect(consent('Ivy')).toHaveAttribute('data-consent', 'asked')
  await expect(consent('Oli')).toHaveCount(0)

  await candidate.page.getByRole('button', { name: 'Don’t record my audio' }).click()
  await expect(consent('Cam')).toHaveAttribute('data-consent', 'declined')
  await expect(consent('Cam')).toContainText('declined')
  await interviewer.page.getByRole('button', { name: 'Record my audio', exact: true }).click()
  await expect(consent('Ivy')).toHaveAttribute('data-consent', 'consented')
  // Only the interviewer sees consent states.
  await candidate.page.getByRole('tab', { name: /People/ }).click()
  await expect(candidate.page.getByTestId('participant')).toHaveCount(3)
  await expect(candidate.page.getByTestId('participant-consent')).toHaveCount(0)

  // The candidate's cursor label on the interviewer's board says when they speak (the fake
  // microphone beeps) and when they are muted.
  const box = (await candidate.page.locator('.tl-canvas').boundingBox())!
  const label = interviewer.page.getByTestId('cursor-label').filter({ hasText: 'Cam' })
  const wiggle = async () => {
    await candidate.page.mouse.move(box.x + 300 + Math.random() * 40, box.y + 250 + Math.random() * 40)
  }
  await wiggle()
  await expect(label).toBeVisible()
  await expect
    .poll(async () => (await wiggle(), await label.getAttribute('data-audio')), { timeout: 20_000 })
    .toBe('speaking')
  await expect(label.getByRole('img', { name: 'speaking' })).toBeVisible()

  await candidate.page.getByTestId('audio').getByRole('button', { name: 'Mute', exact: true }).click()
  // tldraw hides an idle collaborator's cursor after a few seconds: keep it moving.
  await expect
    .poll(async () => (await wiggle(), await label.getAttribute('data-audio')), { timeout: 20_000 })
    .toBe('muted')
  await wiggle()
  await expect(label.getByRole('img', { name: 'muted' })).toBeVisible()
  await expect(row('Cam').getByTestId('participant-audio')).toContainText('muted')

  // Muted reads red in the candidate's own bar, never green.
  const badge = candidate.page.getByTestId('audio').locator('.audio-state')
  await expect(badge).toHaveAttribute('data-state', 'muted')
  const [r, g] = await badge.evaluate((el) => getComputedStyle(el).color.match(/\d+/g)!.map(Number))
  expect(r).toBeGreaterThan(g! + 60)
})
