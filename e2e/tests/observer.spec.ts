import { expect, test } from '../fixtures/test.ts'

test('the observer sees the board but cannot change it, in the UI or by forcing an edit', async ({
  room,
  join,
  server,
}) => {
  const interviewer = await join(room.links.interviewer, 'Ivy')
  const observer = await join(room.links.observer, 'Oli')
  await interviewer.ready()
  await observer.ready()
  await expect(observer.page.getByTestId('my-role')).toHaveText('observer')
  await expect(observer.page.getByText('Read-only', { exact: true })).toBeVisible()

  await interviewer.drawRectangle(200, 150)
  await expect(observer.rectangles).toHaveCount(1)

  // The UI: the drawing gesture does nothing for the observer.
  await observer.drawRectangle(500, 300)
  await expect(observer.rectangles).toHaveCount(1)
  expect(await observer.page.evaluate(() => window.loopboardEditor?.getIsReadonly())).toBe(true)

  // Past the UI: force a shape into the observer's store. The observer's client sends nothing
  // (the relay's own refusal of a read-only socket's update is tested in server/src/test/relay.test.ts).
  await observer.page.evaluate(() => {
    const editor = window.loopboardEditor!
    editor.store.put([{ ...editor.getCurrentPageShapes()[0]!, id: 'shape:forced' as never, x: 600 }])
  })
  // A later edit by the interviewer arrives, and the forced shape never left the observer.
  await interviewer.drawRectangle(200, 400)
  await expect(observer.rectangles).toHaveCount(3)
  await expect(interviewer.rectangles).toHaveCount(2)
  expect(await interviewer.shapeIds()).not.toContain('shape:forced')
  // From opening the room to here, the observer's client sent the relay no board change at all.
  expect(server.output()).not.toContain('refused board update from read-only connection')
})
