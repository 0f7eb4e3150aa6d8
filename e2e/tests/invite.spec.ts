import { expect, test } from '../fixtures/test.ts'

test('the interviewer replaces the candidate link from the room: the old one stops working, the new one joins', async ({
  room,
  join,
}) => {
  const interviewer = await join(room.links.interviewer, 'Ivy')
  const candidate = await join(room.links.candidate, 'Cam')
  await interviewer.ready()
  await candidate.ready()

  await interviewer.page.getByRole('button', { name: 'Invite' }).click()
  const dialog = interviewer.page.getByRole('dialog', { name: 'Invite' })
  interviewer.page.once('dialog', (d) => void d.accept())
  await dialog.getByRole('button', { name: 'Replace candidate link' }).click()
  const fresh = dialog.getByTestId('invite-candidate')
  await expect(fresh).toHaveValue(/#token=/)
  const newLink = await fresh.inputValue()
  expect(newLink).not.toBe(room.links.candidate)
  await interviewer.page.keyboard.press('Escape')
  await expect(dialog).toHaveCount(0)

  // The old link's open page is cut off, and the old link no longer opens the room.
  await expect(candidate.connection).not.toHaveAttribute('data-state', 'connected', { timeout: 15_000 })
  await candidate.page.reload()
  await expect(candidate.page.getByRole('heading', { name: 'This link does not open the room' })).toBeVisible({
    timeout: 15_000,
  })

  // The new link joins as the candidate.
  const replacement = await join(newLink, 'Cam')
  await replacement.ready()
  await expect(replacement.page.getByTestId('my-role')).toHaveText('candidate')
})

test('“Your sessions” on the landing page finds the candidate and observer links again', async ({
  server,
  browser,
}) => {
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(server.url)
  await page.getByLabel('Interview title (optional)').fill('Invite recovery')
  await page.getByRole('button', { name: 'New interview' }).click()
  const candidateLink = await page.getByTestId('link-candidate').inputValue()
  const observerLink = await page.getByTestId('link-observer').inputValue()
  expect(candidateLink).toMatch(/#token=/)

  // Later, back on the landing page: the session is listed, and Invite shows both links.
  await page.goto(server.url)
  const row = page.getByTestId('session-row').filter({ hasText: 'Invite recovery' })
  await row.getByRole('button', { name: 'Invite' }).click()
  await expect(row.getByTestId('invite-candidate')).toHaveValue(candidateLink)
  await expect(row.getByTestId('invite-observer')).toHaveValue(observerLink)
  await context.close()
})
