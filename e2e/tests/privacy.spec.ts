import { expect, test } from '../fixtures/test.ts'
import { InterviewPanel } from '../fixtures/InterviewPanel.ts'
import { SharedNotesPane } from '../fixtures/SharedNotesPane.ts'
import { TrafficRecorder } from '../fixtures/traffic.ts'

test('a private note never reaches the candidate or observer, by any channel', async ({ room, join, server }) => {
  const secret = `SECRET-${Math.random().toString(36).slice(2)}`
  const httpSecret = `${secret}-over-http`
  const interviewer = await join(room.links.interviewer, 'Ivy')
  const candidate = await join(room.links.candidate, 'Cam')
  const observer = await join(room.links.observer, 'Oli')
  // Recorders attach after the first load; reload so they see the pages' whole life.
  const recorders = {
    interviewer: new TrafficRecorder(interviewer.page),
    candidate: new TrafficRecorder(candidate.page),
    observer: new TrafficRecorder(observer.page),
  }
  for (const p of [interviewer, candidate, observer]) await p.page.reload()
  for (const p of [interviewer, candidate, observer]) await p.ready()
  const ivy = new InterviewPanel(interviewer.page)
  await ivy.choosePrompt('spotify', 'design-spotify')
  await ivy.control('Start interview')

  // A note attached to a shape, written in the UI.
  await interviewer.drawRectangle(200, 200)
  await ivy.open('My notes')
  await interviewer.page.getByLabel('New note').fill(secret)
  await interviewer.page.getByRole('button', { name: 'Add note' }).click()
  await expect(interviewer.page.getByTestId('note')).toHaveCount(1)
  await expect(interviewer.page.getByTestId('note')).toContainText(secret)
  await expect(interviewer.page.getByTestId('note').locator('.stamp')).toHaveText(/^\d+:\d\d$/)

  // A note over HTTP: allowed with the interviewer token, refused with the others.
  const post = (token: string) =>
    fetch(`${server.url}/api/rooms/${room.roomId}/notes`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ text: httpSecret }),
    })
  expect((await post(room.tokens.interviewer)).status).toBe(201)
  expect((await post(room.tokens.candidate)).status).toBe(403)
  expect((await post(room.tokens.observer)).status).toBe(403)
  for (const token of [room.tokens.candidate, room.tokens.observer]) {
    const res = await fetch(`${server.url}/api/rooms/${room.roomId}/notes`, {
      headers: { Authorization: `Bearer ${token}` },
    })
    expect(res.status).toBe(403)
    expect(await res.text()).not.toContain(secret)
  }
  await expect(interviewer.page.getByTestId('note')).toHaveCount(2)

  // Clicking the note zooms to its shape (it does not select it: see noteZoom.spec.ts).
  await interviewer.page.evaluate(() => {
    // A block, not an expression: setCamera returns the editor, which does not serialize.
    window.loopboardEditor!.setCamera({ x: 3000, y: 3000, z: 0.5 })
  })
  await interviewer.page
    .getByTestId('note')
    .filter({ hasText: new RegExp(`^.*${secret}$`) })
    .getByRole('button')
    .click()
  await expect
    .poll(() =>
      interviewer.page.evaluate(() => {
        const editor = window.loopboardEditor!
        const [shape] = editor.getCurrentPageShapes()
        return editor.getViewportPageBounds().contains(editor.getShapePageBounds(shape!)!)
      })
    )
    .toBe(true)

  // Let any stray broadcast arrive, then look at everything each page received.
  await candidate.drawRectangle(500, 300)
  // On the interviewer's board, not necessarily in their view (they zoomed to the first shape).
  await expect.poll(() => interviewer.geoShapeCount()).toBe(2)
  expect(await recorders.interviewer.contains(secret)).toBe(true) // the recorder does see private data where it belongs
  expect(await recorders.candidate.contains(secret)).toBe(false)
  expect(await recorders.observer.contains(secret)).toBe(false)
  expect(recorders.candidate.frames).toBeGreaterThan(10)
})

test('scorecard, Markdown export, published feedback, shared notes and a role swap', async ({ room, join }) => {
  const interviewer = await join(room.links.interviewer, 'Ivy')
  const candidate = await join(room.links.candidate, 'Cam')
  await interviewer.ready()
  await candidate.ready()
  const ivy = new InterviewPanel(interviewer.page)
  const cam = new InterviewPanel(candidate.page)
  await ivy.choosePrompt('spotify', 'design-spotify')

  // Shared notes: both type, both see both lines.
  await ivy.open('Shared notes')
  await cam.open('Shared notes')
  const ivyNotes = new SharedNotesPane(interviewer.page)
  const camNotes = new SharedNotesPane(candidate.page)
  await ivyNotes.focusEnd()
  await interviewer.page.keyboard.type('QPS: 50k\n')
  await camNotes.expectText('QPS: 50k\n')
  await camNotes.focusEnd()
  await candidate.page.keyboard.type('Storage: 2 PB')
  await ivyNotes.expectText('QPS: 50k\nStorage: 2 PB')

  // Scorecard from the prompt's rubric; export; publish; the candidate reads it.
  await ivy.open('Scorecard')
  const firstDimension = interviewer.page.locator('fieldset.dimension').first()
  await firstDimension.getByRole('radio', { name: '3 Solid' }).check()
  await firstDimension.getByRole('textbox').fill('Scoped offline playback early.')
  await interviewer.page.getByLabel('Overall recommendation').selectOption('yes')
  await interviewer.page.getByRole('button', { name: 'Save scorecard' }).click()
  await expect(interviewer.page.getByRole('button', { name: 'Saved' })).toBeVisible()
  const download = interviewer.page.waitForEvent('download')
  await interviewer.page.getByRole('button', { name: 'Export Markdown' }).click()
  const file = await (await download).path()
  const { readFileSync } = await import('node:fs')
  const markdown = readFileSync(file, 'utf8')
  expect(markdown).toContain('**Recommendation:** Hire')
  expect(markdown).toContain('Scoped offline playback early.')

  await cam.open('Interview')
  await expect(candidate.page.getByTestId('published-feedback')).toHaveCount(0)
  await interviewer.page.getByRole('button', { name: 'Preview feedback for candidate…' }).click()
  await interviewer.page.getByRole('button', { name: 'Publish to candidate' }).click()
  await expect(candidate.page.getByTestId('published-feedback')).toContainText('Scoped offline playback early.')

  // Swap roles for round 2: each side gets the view of its new role, from the same link.
  await ivy.open('Interview')
  interviewer.page.once('dialog', (dialog) => void dialog.accept())
  await interviewer.page.getByRole('button', { name: 'Swap roles' }).click()
  await expect(interviewer.page.getByTestId('my-role')).toHaveText('candidate')
  await expect(candidate.page.getByTestId('my-role')).toHaveText('interviewer')
  await expect(interviewer.page.getByTestId('waiting-for-prompt')).toBeVisible()
  await cam.choosePrompt('playlist', 'collaborative-playlist')
  await expect(interviewer.page.getByTestId('prompt-statement')).toBeVisible()
  await expect(interviewer.page.getByTestId('guidance')).toHaveCount(0)
  // The old interviewer's private notes and scorecard stay theirs: the new interviewer sees none.
  await cam.open('My notes')
  await expect(candidate.page.getByTestId('note')).toHaveCount(0)
  // The board carried over.
  await interviewer.page.reload()
  await interviewer.ready()
  await expect(interviewer.page.getByTestId('my-role')).toHaveText('candidate')
})
