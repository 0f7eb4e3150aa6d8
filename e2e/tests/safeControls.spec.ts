import { AudioBar } from '../fixtures/audio.ts'
import { InterviewPanel } from '../fixtures/InterviewPanel.ts'
import { expect, test } from '../fixtures/test.ts'

test('Finish and Change prompt ask first mid-interview; dialogs and popovers close on Esc and outside click', async ({
  room,
  join,
}) => {
  test.setTimeout(120_000)
  const interviewer = await join(room.links.interviewer, 'Ivy')
  const candidate = await join(room.links.candidate, 'Cam')
  await Promise.all([interviewer.ready(), candidate.ready()])
  const page = interviewer.page
  const ivy = new InterviewPanel(page)
  await ivy.choosePrompt('spotify', 'design-spotify')
  await ivy.control('Start interview')
  await page.getByRole('button', { name: 'Reveal hint 1' }).click()
  await expect(candidate.page.getByTestId('revealed-hints').locator('li')).toHaveCount(1)

  // Change prompt: Esc, Cancel and a click outside all keep the prompt and the revealed hint.
  const dialog = page.getByRole('dialog', { name: 'Change the prompt mid-interview?' })
  const changePrompt = page.getByRole('button', { name: 'Change prompt' })
  await changePrompt.click()
  await expect(dialog).toBeVisible()
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused()
  await page.keyboard.press('Escape')
  await expect(dialog).toHaveCount(0)
  await expect(changePrompt).toBeFocused()
  await changePrompt.click()
  await dialog.getByRole('button', { name: 'Cancel' }).click()
  await expect(dialog).toHaveCount(0)
  await changePrompt.click()
  await page.mouse.click(8, 400) // the backdrop, outside the dialog box
  await expect(dialog).toHaveCount(0)
  await expect(page.getByTestId('guidance')).toBeVisible()
  await expect(candidate.page.getByTestId('revealed-hints').locator('li')).toHaveCount(1)
  // Going ahead opens the picker.
  await changePrompt.click()
  await dialog.getByRole('button', { name: 'Choose another prompt' }).click()
  await expect(page.getByRole('heading', { name: 'Choose a prompt' })).toBeVisible()
  await page.getByRole('button', { name: 'Cancel' }).click()
  await expect(page.getByTestId('guidance')).toBeVisible()

  // Finish (on the last phase): cancelled, the interview runs on; confirmed, it is finished.
  const phases = await page.getByRole('list', { name: 'Phases' }).first().locator('li').count()
  for (let i = 1; i < phases; i++) {
    await ivy.control('Next phase')
    await expect(ivy.timer).toHaveAttribute('data-phase-index', String(i))
  }
  const finish = page.getByRole('dialog', { name: 'Finish the interview?' })
  await ivy.control('Finish')
  await expect(finish).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(finish).toHaveCount(0)
  await ivy.control('Finish')
  await finish.getByRole('button', { name: 'Cancel' }).click()
  await expect(ivy.timer).toHaveClass(/status-running/)
  await ivy.control('Finish')
  await finish.getByRole('button', { name: 'Finish interview' }).click()
  await expect(ivy.timer).toHaveClass(/status-finished/)
  await expect(new InterviewPanel(candidate.page).timer).toHaveClass(/status-finished/)

  // The audio devices popover: Esc closes it (focus back on its button), so does a click elsewhere.
  await new AudioBar(page).join()
  const trigger = page.getByRole('button', { name: 'Audio devices' })
  const devices = page.getByRole('dialog', { name: 'Audio devices' })
  await trigger.click()
  await expect(devices).toBeVisible()
  await expect(trigger).toHaveAttribute('aria-expanded', 'true')
  await devices.getByLabel('Speaker').focus()
  await page.keyboard.press('Escape')
  await expect(devices).toHaveCount(0)
  await expect(trigger).toBeFocused()
  await expect(trigger).toHaveAttribute('aria-expanded', 'false')
  await trigger.click()
  await expect(devices).toBeVisible()
  await devices.getByText('Speaker', { exact: true }).click() // a click inside keeps it open
  await expect(devices).toBeVisible()
  const box = (await page.locator('.tl-canvas').boundingBox())!
  await page.mouse.click(box.x + 200, box.y + 300)
  await expect(devices).toHaveCount(0)
})

test('offline: a plain banner (no transport jargon) and the prompt kept after a reload', async ({ room, join }) => {
  const interviewer = await join(room.links.interviewer, 'Ivy')
  const candidate = await join(room.links.candidate, 'Cam')
  await Promise.all([interviewer.ready(), candidate.ready()])
  await new InterviewPanel(interviewer.page).choosePrompt('spotify', 'design-spotify')
  const statement = candidate.page.getByTestId('prompt-statement')
  await expect(statement).toBeVisible()
  const text = (await statement.textContent())!
  await candidate.page.evaluate(async () => {
    await navigator.serviceWorker.ready
  })
  await expect.poll(() => candidate.page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true)
  await expect(candidate.page.getByTestId('connection-banner')).toHaveCount(0)

  await candidate.context.setOffline(true)
  const banner = candidate.page.getByTestId('connection-banner')
  await expect(banner).toContainText('You are offline.')
  await candidate.page.reload()
  await expect(candidate.page.locator('.tl-canvas')).toBeVisible({ timeout: 20_000 })
  await expect(banner).toContainText('You are offline.')
  await expect(banner).toContainText('saved in this browser')
  await expect(statement).toHaveText(text)
  // Give the socket time to fail a few times: still no transport jargon on the page.
  await candidate.page.waitForTimeout(2_000)
  await expect(candidate.page.locator('body')).not.toContainText(/xhr|poll error|websocket error|transport/i)

  await candidate.context.setOffline(false)
  await expect(candidate.connection).toHaveAttribute('data-state', 'connected', { timeout: 20_000 })
  await expect(banner).toHaveCount(0)
  await expect(statement).toHaveText(text)
})

test('pasting a corrected link into the same tab opens the room without a reload', async ({ room, join }) => {
  const wrong = room.links.candidate.replace(/#token=.*/, '#token=not-the-right-token')
  const candidate = await join(wrong, 'Cam')
  await expect(candidate.page.getByRole('heading', { name: 'This link does not open the room' })).toBeVisible()
  await candidate.page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true))
  // What pasting into the address bar does when only the part after # differs.
  await candidate.page.evaluate((hash) => (location.hash = hash), new URL(room.links.candidate).hash)
  await candidate.ready()
  await expect(candidate.page.getByTestId('my-role')).toHaveText('candidate')
  expect(await candidate.page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true)
})

test('the prompt picker lists each tag once and its filter labels fit', async ({ room, join }) => {
  const interviewer = await join(room.links.interviewer, 'Ivy')
  await interviewer.ready()
  const page = interviewer.page
  await expect(page.getByTestId('prompt-option').first()).toBeVisible()
  const tagSelect = page.getByRole('combobox', { name: 'Tag' })
  const tags = await tagSelect.locator('option').allTextContents()
  const folded = tags.map((t) => t.toLowerCase().replace(/s$/, ''))
  expect(new Set(folded).size).toBe(folded.length)
  expect(tags).toContain('Trie')
  expect(tags).not.toContain('Tries')
  // One "Trie" entry finds the prompts tagged "Trie" and the one tagged "Tries".
  await tagSelect.selectOption('Trie')
  await expect(page.getByTestId('prompt-option')).toHaveCount(2)

  // Every filter shows its whole label: the text fits the select's box minus padding and arrow.
  const fits = await page.locator('.filters select').evaluateAll((selects) =>
    (selects as HTMLSelectElement[]).map((select) => {
      const style = getComputedStyle(select)
      const context = document.createElement('canvas').getContext('2d')!
      context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`
      const text = select.options[select.selectedIndex]!.text
      const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 16
      return { text, fits: context.measureText(text).width <= room }
    })
  )
  expect(fits.map((f) => f.text)).toEqual(expect.arrayContaining(['Any difficulty']))
  for (const { text, fits: ok } of fits) expect(ok, `"${text}" is cut off`).toBe(true)
})
