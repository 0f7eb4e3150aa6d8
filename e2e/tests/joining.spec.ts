import { expect, test } from '../fixtures/test.ts'
import { createRoom } from '../fixtures/RoomPage.ts'

test('the landing page creates a room and shows three links with copy buttons', async ({ page, server, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  await page.goto(server.url)
  await page.getByLabel('Interview title (optional)').fill('Design a music service')
  await page.getByRole('button', { name: 'New interview' }).click()
  await expect(page.getByRole('heading', { name: '“Design a music service” is ready' })).toBeVisible()
  for (const role of ['interviewer', 'candidate', 'observer']) {
    await expect(page.getByTestId(`link-${role}`)).toHaveValue(new RegExp(`^${server.url}/r/[\\w-]+#token=[\\w-]{43}$`))
  }
  await page.getByRole('button', { name: 'Copy Candidate link' }).click()
  await expect(page.getByRole('button', { name: 'Copy Candidate link' })).toHaveText('Copied')
  const candidateLink = await page.getByTestId('link-candidate').inputValue()
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(candidateLink)

  await page.getByRole('link', { name: 'Open as interviewer' }).click()
  // No name in the link: asked once, then remembered.
  await page.getByLabel('Your name').fill('Ivy')
  await page.getByRole('button', { name: 'Join the room' }).click()
  await expect(page.getByTestId('my-role')).toHaveText('interviewer')
  await page.getByRole('tab', { name: /People/ }).click()
  await expect(page.getByTestId('participant')).toHaveText(/Ivy \(you\)/)
  await page.reload()
  await page.getByRole('tab', { name: /People/ }).click()
  await expect(page.getByTestId('participant')).toHaveText(/Ivy \(you\)/)
  await expect(page.getByLabel('Your name')).toHaveCount(0)
})

test('bad links get a clear page, not a broken board', async ({ page, server }) => {
  const room = await createRoom(server.url)
  const other = await createRoom(server.url)

  await page.goto(`${server.url}/r/no-such-room#token=whatever`)
  await expect(page.getByRole('heading', { name: 'Room not found' })).toBeVisible()

  await page.goto(room.links.candidate.replace(/#token=.*/, `#token=${other.tokens.candidate}`))
  await expect(page.getByRole('heading', { name: 'This link does not open the room' })).toBeVisible()

  await page.goto(room.links.candidate.replace(/#token=.*/, ''))
  await expect(page.getByRole('heading', { name: 'This link has no access token' })).toBeVisible()

  const api = await page.request.get(`${server.url}/api/rooms/no-such-room/session`, {
    headers: { Authorization: `Bearer ${room.tokens.candidate}` },
  })
  expect(api.status()).toBe(404)
  expect(await api.json()).toEqual({ error: { code: 'not_found', message: expect.stringContaining('no-such-room') } })
})
