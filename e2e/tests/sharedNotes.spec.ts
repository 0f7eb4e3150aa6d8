import { expect, test } from '../fixtures/test.ts'
import { InterviewPanel } from '../fixtures/InterviewPanel.ts'
import { SharedNotesPane } from '../fixtures/SharedNotesPane.ts'

/** Type like a person: one key at a time, so two browsers' keystrokes interleave. */
const KEY_DELAY_MS = 25

test('two people typing at once in different places both keep their text, in order, carets in place', async ({
  joinEveryone,
}) => {
  const { interviewer, candidate, observer } = await joinEveryone()
  for (const p of [interviewer, candidate, observer]) await new InterviewPanel(p.page).open('Shared notes')
  const ivy = new SharedNotesPane(interviewer.page)
  const cam = new SharedNotesPane(candidate.page)
  const oli = new SharedNotesPane(observer.page)

  await cam.focusEnd()
  await candidate.page.keyboard.type('middle line')
  await ivy.expectText('middle line')

  // The candidate writes at the start while the interviewer writes at the end, at the same time.
  await cam.focusStart()
  await ivy.focusEnd()
  // Each sees the other's caret, labelled with their name.
  await expect(ivy.remoteCaret('Cam')).toBeAttached()
  await expect(cam.remoteCaret('Ivy')).toBeAttached()
  await Promise.all([
    candidate.page.keyboard.type('candidate typing at the start. ', { delay: KEY_DELAY_MS }),
    interviewer.page.keyboard.type(' interviewer typing at the end', { delay: KEY_DELAY_MS }),
  ])
  const merged = 'candidate typing at the start. middle line interviewer typing at the end'
  await ivy.expectText(merged)
  await cam.expectText(merged)
  await oli.expectText(merged)

  // Carets stayed where each person left them: the next keys land right after their own text.
  await Promise.all([
    candidate.page.keyboard.type('[C]', { delay: KEY_DELAY_MS }),
    interviewer.page.keyboard.type('[I]', { delay: KEY_DELAY_MS }),
  ])
  const next = 'candidate typing at the start. [C]middle line interviewer typing at the end[I]'
  await ivy.expectText(next)
  await cam.expectText(next)

  // Undo undoes only your own edits: the interviewer undoes everything they typed, and the
  // candidate's text stays.
  for (let i = 0; i < 10; i++) await interviewer.page.keyboard.press('Control+z')
  const candidateOnly = 'candidate typing at the start. [C]middle line'
  await ivy.expectText(candidateOnly)
  await cam.expectText(candidateOnly)

  // The observer reads along but cannot edit.
  await expect(oli.content).toHaveAttribute('contenteditable', 'false')
  await oli.content.click()
  await observer.page.keyboard.type('observer was here')
  await oli.expectText(candidateOnly)
  await cam.expectText(candidateOnly)
})
