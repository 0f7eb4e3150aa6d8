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

test('a shape far off screen is drawn once it comes into view, and can be hit and selected before', async ({
  room,
  join,
}) => {
  const interviewer = await join(room.links.interviewer, 'Ivy')
  await interviewer.ready()
  await interviewer.page.evaluate(() => {
    const editor = window.loopboardEditor!
    editor.createShape({
      id: 'shape:far' as never,
      type: 'geo',
      x: 40_000,
      y: 40_000,
      props: {
        w: 200,
        h: 100,
        richText: {
          type: 'doc',
          content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Far away cache' }] }],
        },
      },
    })
  })
  // The candidate opens the room fresh: the far shape is on the board but out of view.
  const candidate = await join(room.links.candidate, 'Cam')
  await candidate.ready()
  const far = candidate.page.locator('.tl-shape[data-shape-id="shape:far"]')
  await expect(far).toHaveCount(1)
  await expect(far).toBeEmpty()
  // Geometry does not need the component: hit testing and bounds work while it is not drawn.
  expect(
    await candidate.page.evaluate(() => window.loopboardEditor!.getShapeAtPoint({ x: 40_100, y: 40_050 })?.id)
  ).toBe('shape:far')

  await candidate.page.evaluate(() => {
    const editor = window.loopboardEditor!
    editor.zoomToBounds(editor.getShapePageBounds('shape:far' as never)!, { immediate: true })
  })
  await expect(far).toContainText('Far away cache')
  // Panning away keeps it drawn (it is not rebuilt each time it comes back).
  await candidate.page.evaluate(() => window.loopboardEditor!.setCamera({ x: 0, y: 0, z: 1 }, { immediate: true }))
  await expect(far).toContainText('Far away cache')
  expect(candidate.errors).toEqual([])
})
