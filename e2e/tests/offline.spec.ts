import { expect, test } from '../fixtures/test.ts'

test('a participant who goes offline keeps drawing, survives a reload, and merges on return', async ({
  room,
  join,
}) => {
  const interviewer = await join(room.links.interviewer, 'Ivy')
  const candidate = await join(room.links.candidate, 'Cam')
  await interviewer.ready()
  await candidate.ready()
  // The service worker has the app shell before the network goes.
  await candidate.page.evaluate(async () => {
    await navigator.serviceWorker.ready
  })
  await expect.poll(() => candidate.page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true)

  await interviewer.drawRectangle(150, 150)
  await expect(candidate.rectangles).toHaveCount(1)

  await candidate.context.setOffline(true)
  await expect(candidate.connection).toHaveAttribute('data-state', 'offline')
  await candidate.drawRectangle(450, 300)
  await expect(candidate.rectangles).toHaveCount(2)

  // Meanwhile the interviewer keeps working; neither sees the other's new shape yet.
  await interviewer.drawRectangle(150, 400)
  await expect(interviewer.rectangles).toHaveCount(2)
  await expect(candidate.rectangles).toHaveCount(2)

  // Reload while still offline: the room reopens from this browser, the offline drawing intact.
  await candidate.page.reload()
  await expect(candidate.page.locator('.tl-canvas')).toBeVisible({ timeout: 20_000 })
  await expect(candidate.connection).toHaveAttribute('data-state', 'offline')
  await expect(candidate.rectangles).toHaveCount(2)

  await candidate.context.setOffline(false)
  await expect(candidate.connection).toHaveAttribute('data-state', 'connected', { timeout: 20_000 })
  await expect(interviewer.rectangles).toHaveCount(3)
  await expect(candidate.rectangles).toHaveCount(3)
  expect(await candidate.shapeIds()).toEqual(await interviewer.shapeIds())
})
