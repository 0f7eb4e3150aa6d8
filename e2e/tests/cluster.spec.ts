import { clusterUnavailable, startCluster } from '../../server/src/test/clusterFixture.ts'
import { TestContext } from '../../server/src/test/helpers.ts'
import { InterviewPanel } from '../fixtures/InterviewPanel.ts'
import { createRoom, Participant } from '../fixtures/RoomPage.ts'
import { E2E_STATIC_DIR } from '../fixtures/serverProcess.ts'
import { expect, test } from '../fixtures/test.ts'

// Issue 12, point 1, in real browsers: the interviewer's browser on one relay, the candidate's on
// another (each opens its relay's own address, as after a failover or a hash move), one room
// through Postgres and Redis. They see each other's strokes, cursors, presence, hints and phases.
const unavailable = clusterUnavailable()

/** The same link, opened on another origin (a relay's own address). */
const on = (link: string, origin: string) => {
  const url = new URL(link)
  const at = new URL(origin)
  url.protocol = at.protocol
  url.host = at.host
  return url.toString()
}

test.skip(!!unavailable, unavailable ?? '')

test('two browsers of one room on different relays see each other', async ({ browser }) => {
  test.setTimeout(240_000)
  const ctx = new TestContext()
  try {
    const cluster = await startCluster(ctx, { relays: 2, env: { STATIC_DIR: E2E_STATIC_DIR } })
    const [relayA, relayB] = cluster.relays as [(typeof cluster.relays)[0], (typeof cluster.relays)[0]]
    const room = await createRoom(cluster.url)
    const interviewer = await Participant.open(browser, on(room.links.interviewer, relayA.httpBase), 'Ivy')
    const candidate = await Participant.open(browser, on(room.links.candidate, relayB.httpBase), 'Cam')
    try {
      await interviewer.ready()
      await candidate.ready()

      // Presence, across relays.
      await interviewer.page.getByRole('tab', { name: /People/ }).click()
      await expect(interviewer.page.getByTestId('participant').filter({ hasText: 'Cam' })).toHaveCount(1)

      // Phases and hints.
      const ivy = new InterviewPanel(interviewer.page)
      const cam = new InterviewPanel(candidate.page)
      await ivy.choosePrompt('spotify', 'design-spotify')
      await ivy.control('Start interview')
      await expect(cam.timer).toHaveAttribute('data-phase-index', '0')
      await ivy.control('Next phase')
      await expect(cam.timer).toHaveAttribute('data-phase-index', '1')
      await interviewer.page.getByRole('button', { name: 'Reveal hint 1' }).click()
      await expect(candidate.page.getByTestId('revealed-hints').locator('li')).toHaveCount(1)

      // Strokes both ways.
      await interviewer.drawRectangle(150, 150)
      await expect(candidate.rectangles).toHaveCount(1)
      await candidate.drawRectangle(450, 300)
      await expect(interviewer.rectangles).toHaveCount(2)
      expect(await candidate.shapeIds()).toEqual(await interviewer.shapeIds())

      // The candidate's cursor on the interviewer's canvas.
      const box = (await candidate.page.locator('.tl-canvas').boundingBox())!
      await candidate.page.mouse.move(box.x + 300, box.y + 300)
      await candidate.page.mouse.move(box.x + 320, box.y + 310, { steps: 3 })
      await expect(interviewer.page.getByText('Cam · candidate')).toBeVisible()
    } finally {
      await interviewer.close()
      await candidate.close()
    }
  } finally {
    await ctx.cleanup()
  }
})
