import { expect, test } from '../fixtures/test.ts'

test('participants, cursors with name and role, following, and leaving', async ({ room, join }) => {
  const interviewer = await join(room.links.interviewer, 'Ivy')
  // The join notice shows for a few seconds only: watch for it while the candidate's page loads.
  const joinNotice = expect(interviewer.page.getByRole('list', { name: 'Room activity' })).toContainText(
    'Cam joined as candidate',
    { timeout: 30_000 }
  )
  const candidate = await join(room.links.candidate, 'Cam')
  await interviewer.ready()
  await candidate.ready()
  await joinNotice
  await interviewer.page.getByRole('tab', { name: /People/ }).click()
  const people = interviewer.page.getByTestId('participant')
  await expect(people).toHaveCount(2)
  await expect(people.filter({ hasText: 'Cam' })).toHaveAttribute('data-role', 'candidate')
  await expect(people.filter({ hasText: 'Cam' })).toHaveAttribute('data-status', 'online')

  // The candidate's cursor shows on the interviewer's canvas, labelled with name and role.
  const box = (await candidate.page.locator('.tl-canvas').boundingBox())!
  await candidate.page.mouse.move(box.x + 300, box.y + 300)
  await candidate.page.mouse.move(box.x + 320, box.y + 310, { steps: 3 })
  await expect(interviewer.page.getByText('Cam · candidate')).toBeVisible()

  // Follow the candidate: their viewport moves, ours follows.
  await people.filter({ hasText: 'Cam' }).getByRole('button', { name: 'Follow' }).click()
  await expect(people.filter({ hasText: 'Cam' }).getByRole('button')).toHaveAttribute('aria-pressed', 'true')
  await candidate.page.evaluate(() => {
    window.loopboardEditor!.setCamera({ x: -2000, y: -1500, z: 1 })
  })
  await expect
    .poll(() => interviewer.page.evaluate(() => window.loopboardEditor!.getViewportPageBounds().center.x), {
      timeout: 10_000,
    })
    .toBeGreaterThan(1500)

  await candidate.close()
  await expect(people).toHaveCount(1)
  await expect(interviewer.page.getByRole('list', { name: 'Room activity' })).toContainText('Cam left')
  await expect(interviewer.page.getByText('Cam · candidate')).toHaveCount(0)
})

test('undo only undoes your own changes', async ({ room, join }) => {
  const interviewer = await join(room.links.interviewer, 'Ivy')
  const candidate = await join(room.links.candidate, 'Cam')
  await interviewer.ready()
  await candidate.ready()

  await interviewer.drawRectangle(150, 150)
  await expect(candidate.rectangles).toHaveCount(1)
  const [interviewerShape] = await interviewer.shapeIds()
  await candidate.drawRectangle(450, 300)
  await expect(interviewer.rectangles).toHaveCount(2)

  // The interviewer undoes: their rectangle goes, the candidate's stays, for both.
  await interviewer.page.keyboard.press('Control+z')
  await expect(interviewer.rectangles).toHaveCount(1)
  await expect(candidate.rectangles).toHaveCount(1)
  expect(await candidate.shapeIds()).not.toContain(interviewerShape)
  // Nothing left for the interviewer to undo: the candidate's work is not theirs.
  await interviewer.page.keyboard.press('Control+z')
  await interviewer.page.keyboard.press('Control+z')
  await expect(candidate.rectangles).toHaveCount(1)
  expect(await interviewer.page.evaluate(() => window.loopboardEditor!.getCanUndo())).toBe(false)

  await interviewer.page.keyboard.press('Control+Shift+z')
  await expect(candidate.rectangles).toHaveCount(2)
  expect(await candidate.shapeIds()).toContain(interviewerShape)
})
