import { expect, test } from '../fixtures/test.ts'

test('after a server restart the shapes are back, for a participant who stayed and one who arrives', async ({
  room,
  join,
  server,
}) => {
  const interviewer = await join(room.links.interviewer, 'Ivy')
  await interviewer.ready()
  await interviewer.drawRectangle(150, 150)
  await interviewer.drawRectangle(400, 250)
  await expect(interviewer.rectangles).toHaveCount(2)
  const ids = await interviewer.shapeIds()

  await server.restart()
  // The open tab notices, reconnects by itself and stays in step.
  await expect(interviewer.connection).toHaveAttribute('data-state', /reconnecting|connected/)
  await expect(interviewer.connection).toHaveAttribute('data-state', 'connected', { timeout: 20_000 })

  // A newcomer loads the board from the restarted server alone (own browser, nothing cached).
  const candidate = await join(room.links.candidate, 'Cam')
  await candidate.ready()
  await expect(candidate.rectangles).toHaveCount(2)
  expect(await candidate.shapeIds()).toEqual(ids)

  await candidate.drawRectangle(600, 350)
  await expect(interviewer.rectangles).toHaveCount(3)
})
