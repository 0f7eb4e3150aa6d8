import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { AudioBar } from '../fixtures/audio.ts'
import { InterviewPanel } from '../fixtures/InterviewPanel.ts'
import { expect, test } from '../fixtures/test.ts'

/** The impacts that fail the check. */
const BLOCKING = new Set(['serious', 'critical'])

/** Serious and critical axe violations on the page as it is now, one line each. */
async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  return result.violations
    .filter((v) => BLOCKING.has(v.impact ?? ''))
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}

// No exclusions: tldraw's canvas UI (toolbar, menus, style panel) is checked with the rest of the page.

test('landing, room and review pages have no serious or critical axe violations', async ({ page, room, join }) => {
  test.setTimeout(180_000)
  // Every page state checked, with what axe found there; all must be empty.
  const found: Record<string, string[]> = {}
  const check = async (label: string, on: Page) => {
    const list = await violations(on)
    if (list.length) found[label] = list
  }
  await page.goto(new URL('/', room.links.interviewer).toString())
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible()
  await check('landing', page)

  const interviewer = await join(room.links.interviewer, 'Ivy')
  const candidate = await join(room.links.candidate, 'Cam')
  await Promise.all([interviewer.ready(), candidate.ready()])
  const ivy = new InterviewPanel(interviewer.page)
  // The picker, then a running interview with audio and recording, each sidebar tab.
  await check('room: prompt picker', interviewer.page)
  await ivy.choosePrompt('spotify', 'design-spotify')
  await ivy.control('Start interview')
  await new AudioBar(interviewer.page).join()
  await interviewer.page.getByRole('button', { name: 'Record', exact: true }).click()
  await interviewer.page.getByRole('button', { name: 'Record my audio', exact: true }).click()
  for (const tab of await interviewer.page.getByRole('tab').all()) {
    await tab.click()
    await check(`room: ${await tab.textContent()} tab`, interviewer.page)
  }
  await candidate.page.getByRole('button', { name: 'Don’t record my audio' }).click()
  // A peer's cursor label (with its audio icon) over the interviewer's board.
  const box = (await candidate.page.locator('.tl-canvas').boundingBox())!
  await candidate.page.mouse.move(box.x + 300, box.y + 300)
  await candidate.page.mouse.move(box.x + 320, box.y + 310, { steps: 3 })
  await expect(interviewer.page.getByTestId('cursor-label')).toBeVisible()
  await check('room: peer cursor', interviewer.page)
  await check('room: candidate', candidate.page)
  // A confirmation dialog open over the room.
  await ivy.open('Interview')
  await interviewer.page.getByRole('button', { name: 'Change prompt' }).click()
  await check('room: confirmation dialog', interviewer.page)
  await interviewer.page.keyboard.press('Escape')

  const review = await interviewer.context.newPage()
  await review.goto(room.links.interviewer.replace('#', '/review#'))
  await expect(review.getByTestId('review-slider')).toBeVisible({ timeout: 20_000 })
  await check('review', review)
  expect(found).toEqual({})
})

test('every control of the room bar is reachable by keyboard, named, with a visible focus ring', async ({
  room,
  join,
}) => {
  const interviewer = await join(room.links.interviewer, 'Ivy')
  await interviewer.ready()
  const page = interviewer.page
  await new AudioBar(page).join()
  const bar = page.getByTestId('room-bar')
  const controls = await bar.locator('a, button, select, input').count()
  expect(controls).toBeGreaterThan(5)

  // Reach the first control by keyboard (Tab then Shift+Tab), so the browser shows focus as for keyboard use.
  await bar.getByRole('link', { name: 'Loopboard home' }).focus()
  await page.keyboard.press('Tab')
  await page.keyboard.press('Shift+Tab')
  const reached: string[] = []
  for (let i = 0; i < controls; i++) {
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement
      const style = getComputedStyle(el)
      return {
        inBar: !!el.closest('[data-testid="room-bar"]'),
        name: (el.getAttribute('aria-label') ?? el.textContent ?? '').trim(),
        ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1,
      }
    })
    if (!focused.inBar) break
    expect(focused.name, 'a focused control without a name').not.toBe('')
    expect(focused.ring, `no visible focus ring on "${focused.name}"`).toBe(true)
    reached.push(focused.name)
    await page.keyboard.press('Tab')
  }
  expect(reached).toHaveLength(controls)
  expect(reached).toEqual(expect.arrayContaining(['Review', 'Mute', 'Audio devices', 'Leave audio', 'Hide panel']))
})
