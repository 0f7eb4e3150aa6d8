import type { TLShapeId } from 'tldraw'
import { expect, test } from '../fixtures/test.ts'
import { InterviewPanel } from '../fixtures/InterviewPanel.ts'

test('clicking a note fits its shape at ≤ 200 % without changing anyone’s selection; its time matches the review', async ({
  room,
  join,
}) => {
  const interviewer = await join(room.links.interviewer, 'Ivy')
  const candidate = await join(room.links.candidate, 'Cam')
  await interviewer.ready()
  await candidate.ready()
  const ivy = new InterviewPanel(interviewer.page)
  await ivy.choosePrompt('spotify', 'design-spotify')
  // The board is recorded from before the start: let the start come seconds later, so a review
  // counting from the first recorded moment (not the session clock) would read another time.
  await candidate.drawRectangle(500, 400)
  await interviewer.page.waitForTimeout(2_500)
  await ivy.control('Start interview')

  // A small shape, selected when the note is written, so the note is tied to it.
  await interviewer.drawRectangle(300, 250, 40, 30)
  await expect(interviewer.rectangles).toHaveCount(2)
  await expect.poll(() => interviewer.page.evaluate(() => window.loopboardEditor!.getSelectedShapeIds().length)).toBe(1)
  const shapeId: string = await interviewer.page.evaluate(() =>
    String(window.loopboardEditor!.getSelectedShapeIds()[0])
  )
  await ivy.open('My notes')
  await interviewer.page.getByLabel('New note').fill('Cache sizing is hand-waved')
  await interviewer.page.getByRole('button', { name: 'Add note' }).click()
  const note = interviewer.page.getByTestId('note')
  await expect(note).toHaveCount(1)

  // Nothing selected, zoomed far out and away from the shape.
  await interviewer.page.evaluate(() => {
    const editor = window.loopboardEditor!
    editor.selectNone()
    editor.setCamera({ x: 4000, y: 4000, z: 0.25 })
  })
  await note.getByRole('button').click()

  const view = () =>
    interviewer.page.evaluate((id) => {
      const editor = window.loopboardEditor!
      const bounds = editor.getShapePageBounds(id as TLShapeId)!
      const viewport = editor.getViewportPageBounds()
      return {
        zoom: editor.getZoomLevel(),
        inView: viewport.contains(bounds),
        selected: editor.getSelectedShapeIds().length,
      }
    }, shapeId)
  // Fitted with padding, capped at 200 % (a 40 × 30 shape would otherwise fill the screen).
  await expect.poll(async () => (await view()).zoom, { timeout: 5_000 }).toBe(2)
  expect(await view()).toEqual({ zoom: 2, inView: true, selected: 0 })

  // The candidate never sees the interviewer select it: once the interviewer's next cursor
  // move has arrived, their presence still selects nothing.
  const box = (await interviewer.page.locator('.tl-canvas').boundingBox())!
  await interviewer.page.mouse.move(box.x + 123, box.y + 77)
  const peer = () =>
    candidate.page.evaluate(() => {
      const [ivy] = window.loopboardEditor!.getCollaborators()
      return ivy ? { cursor: ivy.cursor, selected: ivy.selectedShapeIds.length } : null
    })
  const before = await peer()
  await interviewer.page.mouse.move(box.x + 321, box.y + 177)
  await expect.poll(async () => JSON.stringify((await peer())?.cursor)).not.toBe(JSON.stringify(before?.cursor))
  expect((await peer())?.selected).toBe(0)

  // One session clock: the note reads the same time in the room and in the review.
  const roomStamp = await note.locator('.stamp').textContent()
  expect(roomStamp).toMatch(/^\d+:\d\d$/)
  await interviewer.page.goto(room.links.interviewer.replace('#', '/review#'))
  const reviewNote = interviewer.page.getByTestId('review-note')
  await expect(reviewNote).toHaveCount(1, { timeout: 20_000 })
  await expect(reviewNote.locator('.stamp')).toHaveText(roomStamp!)
})
