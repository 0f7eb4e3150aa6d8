import { AudioBar } from '../fixtures/audio.ts'
import { InterviewPanel } from '../fixtures/InterviewPanel.ts'
import { createRoom } from '../fixtures/RoomPage.ts'
import { RoomBar, SYMBOL_PATTERN } from '../fixtures/RoomBar.ts'
import { expect, test } from '../fixtures/test.ts'

const LONG_TITLE = 'Design a globally distributed music streaming service with offline sync — final loop, round two'

test('the room bar fits one row at 1024, 1280 and 1440 px with audio, recording and a phase running', async ({
  server,
  join,
}, testInfo) => {
  test.setTimeout(120_000)
  const room = await createRoom(server.url, LONG_TITLE)
  const interviewer = await join(room.links.interviewer, 'Ivy')
  const candidate = await join(room.links.candidate, 'Cam')
  await Promise.all([interviewer.ready(), candidate.ready()])
  const ivy = new InterviewPanel(interviewer.page)
  await ivy.choosePrompt('spotify', 'design-spotify')
  await ivy.control('Start interview')
  await new AudioBar(interviewer.page).join()
  await new AudioBar(candidate.page).join()
  await interviewer.page.getByRole('button', { name: 'Record', exact: true }).click()
  await interviewer.page.getByRole('button', { name: 'Record my audio', exact: true }).click()
  await expect(interviewer.page.getByTestId('recording')).toHaveAttribute('data-recorder', 'recording', {
    timeout: 15_000,
  })

  // The total clock counts up beside the phase clock.
  const total = interviewer.page.getByTestId('total-clock')
  await expect(total).toBeVisible()
  await expect(candidate.page.getByTestId('total-clock')).toBeVisible()
  const first = Number(await total.getAttribute('data-elapsed-ms'))
  await expect.poll(async () => Number(await total.getAttribute('data-elapsed-ms'))).toBeGreaterThan(first + 1000)

  const bar = new RoomBar(interviewer.page)
  for (const width of [1440, 1280, 1024]) {
    await interviewer.page.setViewportSize({ width, height: 800 })
    // Let the layout settle on the new width (one animation frame).
    await interviewer.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))))
    const shot = testInfo.outputPath(`room-bar-${width}.png`)
    await bar.root.screenshot({ path: shot })
    await testInfo.attach(`room-bar-${width}`, { path: shot, contentType: 'image/png' })
    const layout = await bar.layout()
    expect(layout.viewportWidth).toBe(width)
    expect(layout.bar.scrollWidth, `bar overflows at ${width}px`).toBeLessThanOrEqual(layout.bar.clientWidth)
    expect(layout.outside, `outside the viewport or the bar's row at ${width}px`).toEqual([])
    expect(layout.clipped, `clipped at ${width}px`).toEqual([])
    // One row: the bar keeps its single-row height.
    expect(layout.bar.height).toBeLessThanOrEqual(48)
    // The title truncates (with its full text as a tooltip) rather than disappearing.
    expect(layout.title.width, `title width at ${width}px`).toBeGreaterThanOrEqual(60)
    expect(layout.title.tooltip).toBe(LONG_TITLE)
    expect(layout.symbols).toEqual([])
    // Every control keeps its name, whatever the width.
    for (const name of ['Stop recording', 'Mute', 'Audio devices', 'Leave audio', 'Hide panel']) {
      await expect(bar.root.getByRole('button', { name, exact: true })).toBeVisible()
    }
    await expect(bar.root.getByRole('link', { name: 'Review' })).toBeVisible()
    await expect(bar.root.getByTestId('phase-clock')).toBeVisible()
    await expect(bar.root.getByTestId('total-clock')).toBeVisible()
  }

  // No emoji or symbol-font icons anywhere in the room.
  const symbols = await interviewer.page.evaluate(
    (p) => document.body.innerText.match(new RegExp(p, 'gu')) ?? [],
    SYMBOL_PATTERN.source
  )
  expect(symbols).toEqual([])

  // Review: only the interviewer has it; it opens this room's review.
  await expect(candidate.page.getByRole('link', { name: 'Review' })).toHaveCount(0)
  const [review] = await Promise.all([
    interviewer.context.waitForEvent('page'),
    bar.root.getByRole('link', { name: 'Review' }).click(),
  ])
  await expect(review).toHaveURL(new RegExp(`/r/${room.roomId}/review#token=`))
  await expect(review.getByTestId('review-slider')).toBeVisible({ timeout: 20_000 })
  await review.close()

  // Everyone wears a distinct colour, the same in every browser.
  const colours = async (page: typeof interviewer.page) => {
    await page.getByRole('tab', { name: /People/ }).click()
    await expect(page.getByTestId('participant')).toHaveCount(2)
    return page
      .getByTestId('participant')
      .locator('.avatar')
      .evaluateAll((els) => els.map((el) => getComputedStyle(el).backgroundColor))
  }
  const seenByIvy = await colours(interviewer.page)
  expect(new Set(seenByIvy).size).toBe(2)
  expect(await colours(candidate.page)).toEqual(seenByIvy)
})
