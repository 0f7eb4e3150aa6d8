import { expect, test } from '../fixtures/test.ts'
import { InterviewPanel } from '../fixtures/InterviewPanel.ts'
import { TrafficRecorder } from '../fixtures/traffic.ts'

test('the observer takes notes the interviewer sees as theirs, and the candidate never receives', async ({
  room,
  join,
}) => {
  const secret = `OBSERVED-${Math.random().toString(36).slice(2)}`
  const interviewer = await join(room.links.interviewer, 'Ivy')
  const candidate = await join(room.links.candidate, 'Cam')
  const observer = await join(room.links.observer, 'Oli')
  // The recorder attaches after the first load; reload so it sees the candidate page's whole life.
  const candidateTraffic = new TrafficRecorder(candidate.page)
  await candidate.page.reload()
  for (const p of [interviewer, candidate, observer]) await p.ready()

  const oli = new InterviewPanel(observer.page)
  await oli.open('My notes')
  await observer.page.getByLabel('New note').fill(`${secret} drifted into caching early`)
  await observer.page.getByRole('button', { name: 'Add note' }).click()
  await expect(observer.page.getByTestId('note')).toContainText(secret)

  // The interviewer sees it, marked as the observer's.
  await new InterviewPanel(interviewer.page).open('My notes')
  const seen = interviewer.page.getByTestId('note').filter({ hasText: secret })
  await expect(seen).toHaveCount(1)
  await expect(seen.getByTestId('note-author')).toHaveText('Observer')

  // The candidate has no notes tab and never receives the text, by any channel.
  await expect(new InterviewPanel(candidate.page).tab('My notes')).toHaveCount(0)
  await candidate.drawRectangle(300, 300) // let any stray broadcast arrive before looking
  await expect(interviewer.rectangles).toHaveCount(1)
  expect(await candidateTraffic.contains(secret)).toBe(false)
  expect(candidateTraffic.frames).toBeGreaterThan(10)
})
