import { expect, test } from '../fixtures/test.ts'

test('a rectangle drawn by the interviewer appears for the candidate, and vice versa', async ({ room, join }) => {
  const interviewer = await join(room.links.interviewer, 'Ivy')
  const candidate = await join(room.links.candidate, 'Cam')
  await interviewer.ready()
  await candidate.ready()

  await interviewer.drawRectangle(200, 150)
  await expect(interviewer.rectangles).toHaveCount(1)
  await expect(candidate.rectangles).toHaveCount(1)

  await candidate.drawRectangle(500, 300)
  await expect(candidate.rectangles).toHaveCount(2)
  await expect(interviewer.rectangles).toHaveCount(2)
  expect(await interviewer.shapeIds()).toEqual(await candidate.shapeIds())

  // Assets (fonts, icons, translations) are self-hosted: nothing left the origin.
  expect(interviewer.foreignRequests).toEqual([])
  expect(candidate.foreignRequests).toEqual([])
})
