import { expect, test } from '../fixtures/test.ts'
import { InterviewPanel } from '../fixtures/InterviewPanel.ts'

test('the interviewer picks a prompt; the candidate sees the statement, never the guidance', async ({ room, join }) => {
  const interviewer = await join(room.links.interviewer, 'Ivy')
  const candidate = await join(room.links.candidate, 'Cam')
  await interviewer.ready()
  await candidate.ready()
  const ivy = new InterviewPanel(interviewer.page)

  await expect(candidate.page.getByTestId('waiting-for-prompt')).toBeVisible()
  await ivy.choosePrompt('spotify', 'design-spotify')
  await expect(candidate.page.getByTestId('prompt-statement')).toBeVisible()
  const statement = await interviewer.page.locator('.statement').first().textContent()
  await expect(candidate.page.getByTestId('prompt-statement')).toHaveText(statement!)
  await expect(candidate.page.getByTestId('guidance')).toHaveCount(0)
  await expect(candidate.page.getByRole('tab', { name: 'My notes' })).toHaveCount(0)
  // Filters: the ML track lists only ML prompts.
  await interviewer.page.getByRole('button', { name: 'Change prompt' }).click()
  await interviewer.page.getByRole('combobox', { name: 'Track' }).selectOption('ml')
  await expect(interviewer.page.getByTestId('prompt-option').first()).toContainText('ML')
  await expect(interviewer.page.getByTestId('prompt-option').filter({ hasText: 'Backend ·' })).toHaveCount(0)
})

test('phases and the timer agree across browsers, after a reload too, and hints appear at once', async ({
  room,
  join,
}) => {
  const interviewer = await join(room.links.interviewer, 'Ivy')
  const candidate = await join(room.links.candidate, 'Cam')
  await interviewer.ready()
  await candidate.ready()
  const ivy = new InterviewPanel(interviewer.page)
  const cam = new InterviewPanel(candidate.page)
  await ivy.choosePrompt('spotify', 'design-spotify')

  await ivy.control('Start interview')
  await expect(cam.timer).toHaveAttribute('data-phase-index', '0')
  await ivy.control('Next phase')
  await expect(cam.timer).toHaveAttribute('data-phase-index', '1')
  await expect(ivy.timer).toHaveAttribute('data-phase-index', '1')
  const agree = async () => {
    const [a, b] = await Promise.all([ivy.remainingMs(), cam.remainingMs()])
    return Math.abs(a - b)
  }
  await expect.poll(agree).toBeLessThan(1000)

  await candidate.page.reload()
  await expect(cam.timer).toHaveAttribute('data-phase-index', '1', { timeout: 20_000 })
  await expect.poll(agree).toBeLessThan(1000)

  // Pause freezes both clocks at the same value.
  await ivy.control('Pause')
  await expect(cam.timer).toContainText('(paused)')
  const frozen = await cam.remainingMs()
  await candidate.page.waitForTimeout(1200)
  expect(await cam.remainingMs()).toBe(frozen)
  await ivy.control('Resume')

  // Hints: the candidate has none until the interviewer reveals one, then sees exactly that one.
  await cam.open('Interview')
  await expect(candidate.page.getByTestId('revealed-hints')).toHaveCount(0)
  await interviewer.page.getByRole('button', { name: 'Reveal hint 1' }).click()
  const firstHint = (await interviewer.page.locator('.hints li.revealed').first().textContent())!.replace(
    ' · revealed',
    ''
  )
  await expect(candidate.page.getByTestId('revealed-hints').locator('li')).toHaveCount(1)
  await expect(candidate.page.getByTestId('revealed-hints').locator('li')).toHaveText(firstHint)
})
