import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { AudioBar } from '../fixtures/audio.ts'
import { expect, test } from '../fixtures/test.ts'

declare global {
  interface Window {
    loopboardReview?: { seek(ms: number): Promise<void>; shapeIds(): string[]; timeMs(): number }
  }
}

test('record a session with consent, review it at two moments with its audio, then delete it', async ({
  room,
  join: open,
  server,
  page,
}) => {
  test.setTimeout(120_000)
  const interviewer = await open(room.links.interviewer, 'Ivy')
  const candidate = await open(room.links.candidate, 'Cam')
  await Promise.all([interviewer.ready(), candidate.ready()])
  await new AudioBar(interviewer.page).join()
  await new AudioBar(candidate.page).join()

  // The interviewer records; everyone sees it; each speaker is asked once.
  const recordClickedAt = Date.now()
  await interviewer.page.getByRole('button', { name: 'Record', exact: true }).click()
  for (const p of [interviewer, candidate]) {
    await expect(p.page.getByTestId('recording')).toHaveAttribute('data-recording', 'true')
    await p.page.getByRole('button', { name: 'Record my audio', exact: true }).click()
    await expect(p.page.getByTestId('recording')).toHaveAttribute('data-recorder', 'recording', { timeout: 15_000 })
    await expect(p.page.getByRole('alertdialog')).toHaveCount(0)
  }

  await interviewer.drawRectangle(150, 150)
  await expect(candidate.rectangles).toHaveCount(1)
  await candidate.page.waitForTimeout(3_000)
  const between = Date.now()
  await candidate.page.waitForTimeout(3_000)
  await candidate.drawRectangle(450, 300)
  await expect(interviewer.rectangles).toHaveCount(2)
  await candidate.page.waitForTimeout(3_000)

  const stopClickedAt = Date.now()
  await interviewer.page.getByRole('button', { name: 'Stop recording' }).click()
  for (const p of [interviewer, candidate]) {
    await expect(p.page.getByTestId('recording')).toHaveAttribute('data-recorder', 'idle', { timeout: 20_000 })
  }

  // Only the interviewer reads the timeline and the audio.
  const timelineUrl = `${server.url}/api/rooms/${room.roomId}/timeline`
  for (const token of [room.tokens.candidate, room.tokens.observer]) {
    expect((await fetch(timelineUrl, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(403)
  }
  const timeline = (await (
    await fetch(timelineUrl, { headers: { Authorization: `Bearer ${room.tokens.interviewer}` } })
  ).json()) as {
    startedAt: number
    audio: Array<{ url: string; durationMs: number; role: string }>
    events: Array<{ type: string }>
  }
  expect(timeline.audio.map((t) => t.role).sort()).toEqual(['candidate', 'interviewer'])
  for (const track of timeline.audio) {
    // Each browser recorded from its consent to the stop: at least the ~9 s of drawing, at most the whole span.
    expect(track.durationMs).toBeGreaterThan(7_000)
    expect(track.durationMs).toBeLessThan(stopClickedAt - recordClickedAt + 2_000)
    expect(
      (await fetch(`${server.url}${track.url}`, { headers: { Authorization: `Bearer ${room.tokens.candidate}` } }))
        .status
    ).toBe(403)
    const audio = await fetch(`${server.url}${track.url}`, {
      headers: { Authorization: `Bearer ${room.tokens.interviewer}` },
    })
    expect(audio.status).toBe(200)
    expect((await audio.arrayBuffer()).byteLength).toBeGreaterThan(1_000)
  }
  expect(timeline.events.map((e) => e.type)).toEqual(expect.arrayContaining(['recording-started', 'recording-stopped']))

  // The review: the board as it was between the two rectangles, then at the end.
  await page.goto(room.links.interviewer.replace('#', '/review#'))
  await expect(page.getByTestId('review-slider')).toBeVisible({ timeout: 20_000 })
  await expect(page.getByTestId('review-track')).toHaveCount(2)
  await page.evaluate((ms) => window.loopboardReview!.seek(ms), between - timeline.startedAt)
  expect(await page.evaluate(() => window.loopboardReview!.shapeIds().length)).toBe(1)
  await page.evaluate(() => window.loopboardReview!.seek(Number.MAX_SAFE_INTEGER))
  expect(await page.evaluate(() => window.loopboardReview!.shapeIds().length)).toBe(2)
  await expect(page.locator('.tl-shape[data-shape-type="geo"]')).toHaveCount(2)

  // Delete removes the history and the audio files.
  const audioDir = join(server.dataDir, 'recordings', room.roomId)
  expect(existsSync(audioDir)).toBe(true)
  page.once('dialog', (dialog) => void dialog.accept())
  await page.getByTestId('delete-session').click()
  await expect(page).toHaveURL(`${server.url}/`)
  await expect.poll(() => existsSync(audioDir)).toBe(false)
  expect((await fetch(timelineUrl, { headers: { Authorization: `Bearer ${room.tokens.interviewer}` } })).status).toBe(
    404
  )
})
