import { RoomServiceClient } from 'livekit-server-sdk'
import { AudioBar, HEARD_RMS } from '../fixtures/audio.ts'
import { liveKitAvailable } from '../fixtures/livekit.ts'
import { expect, test } from '../fixtures/test.ts'

/** In the describe block it is called in: the server uses this worker's real LiveKit server. */
function useLiveKit() {
  test.skip(
    !liveKitAvailable() && !process.env.CI,
    'livekit-server is not built here (bash scripts/install-livekit.sh)'
  )
  test.use({
    serverEnv: async ({ livekit }, use) =>
      use({ LIVEKIT_URL: livekit.url, LIVEKIT_API_KEY: livekit.apiKey, LIVEKIT_API_SECRET: livekit.apiSecret }),
  })
}

/** The same journey on both transports: LiveKit (real SFU) and the peer-to-peer mesh. */
for (const mode of ['livekit', 'p2p'] as const) {
  test.describe(`audio over ${mode}`, () => {
    if (mode === 'livekit') useLiveKit()

    test('the candidate is heard, muting silences them, the observer hears but cannot publish, rejoining works', async ({
      joinEveryone,
      server,
    }) => {
      const { interviewer, candidate, observer } = await joinEveryone()
      const ivy = new AudioBar(interviewer.page)
      const cam = new AudioBar(candidate.page)
      const oli = new AudioBar(observer.page)

      await ivy.join()
      await cam.join()
      await oli.join()
      await expect(cam.root).toHaveAttribute('data-mode', mode)
      await expect(oli.root).toContainText('Listening')

      // The candidate's fake microphone reaches the interviewer and the observer.
      await expect.poll(() => ivy.remoteCount(), { timeout: 20_000 }).toBeGreaterThanOrEqual(1)
      await expect.poll(() => ivy.maxRemoteEnergy(), { timeout: 20_000 }).toBeGreaterThan(HEARD_RMS)
      await expect.poll(() => oli.maxRemoteEnergy(), { timeout: 20_000 }).toBeGreaterThan(HEARD_RMS)
      // …and the interviewer's panel shows the candidate speaking.
      await interviewer.page.getByRole('tab', { name: /People/ }).click()
      await expect(interviewer.page.getByTestId('participant').filter({ hasText: 'Cam' })).toHaveAttribute(
        'data-speaking',
        'true',
        {
          timeout: 15_000,
        }
      )

      // Muting (button, then the Alt+A shortcut to unmute) stops and restores the sound.
      await cam.root.getByRole('button', { name: 'Mute' }).click()
      await expect(cam.root).toContainText('Muted')
      // The interviewer also publishes; silence them too so only the candidate could be heard.
      await interviewer.page.keyboard.press('Alt+a')
      await expect(ivy.root).toContainText('Muted')
      await expect.poll(() => oli.maxRemoteEnergy(), { timeout: 15_000 }).toBeLessThan(HEARD_RMS / 4)
      await candidate.page.keyboard.press('Alt+a')
      await expect(cam.root).toContainText('Live')
      await expect.poll(() => oli.maxRemoteEnergy(), { timeout: 15_000 }).toBeGreaterThan(HEARD_RMS)

      // Leave and come back: heard again, nobody reloads.
      await cam.leave()
      await expect.poll(() => oli.remoteCount(), { timeout: 15_000 }).toBe(1)
      await cam.join()
      await expect.poll(() => oli.maxRemoteEnergy(), { timeout: 20_000 }).toBeGreaterThan(HEARD_RMS)

      // The observer tries to publish past the UI: the server refuses, nobody receives it.
      const outcome = await observer.page.evaluate(() =>
        window.loopboardAudio!.forcePublish().then(
          () => 'attempted',
          (error: Error) => `refused: ${error.message}`
        )
      )
      if (mode === 'livekit') expect(outcome).toMatch(/^refused/)
      else await expect.poll(() => server.output()).toContain('refused sending audio description from observer')
      await candidate.page.waitForTimeout(1500)
      expect(await cam.remoteCount()).toBe(1) // only the interviewer's audio, never the observer's
    })
  })
}

test.describe('audio over livekit, links and rooms', () => {
  useLiveKit()

  test('a replaced link’s holder is removed from the audio; a deleted room’s audio room is closed', async ({
    room,
    joinEveryone,
    server,
    livekit,
  }) => {
    const lk = new RoomServiceClient(livekit.url, livekit.apiKey, livekit.apiSecret)
    const inAudio = async () =>
      (await lk.listParticipants(`loopboard-${room.roomId}`).catch(() => []))
        .map((p) => p.identity.split(':')[0])
        .sort()
    const { interviewer, candidate, observer } = await joinEveryone()
    const ivy = new AudioBar(interviewer.page)
    const cam = new AudioBar(candidate.page)
    await ivy.join()
    await cam.join()
    await new AudioBar(observer.page).join()
    await expect.poll(inAudio, { timeout: 15_000 }).toEqual(['candidate', 'interviewer', 'observer'])
    await expect.poll(() => ivy.remoteCount(), { timeout: 20_000 }).toBe(1)

    // The candidate's link leaked: the interviewer replaces it. The old holder leaves the audio too.
    const replaced = await fetch(`${server.url}/api/rooms/${room.roomId}/links/candidate/replace`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${room.tokens.interviewer}` },
    })
    expect(replaced.status).toBe(200)
    expect(await inAudio()).toEqual(['interviewer', 'observer'])
    await expect(cam.root).not.toHaveAttribute('data-status', 'connected', { timeout: 15_000 })
    await expect.poll(() => ivy.remoteCount(), { timeout: 15_000 }).toBe(0)

    // Deleting the room closes its audio room: nobody is left in it.
    const deleted = await fetch(`${server.url}/api/rooms/${room.roomId}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${room.tokens.interviewer}` },
    })
    expect(deleted.status).toBe(204)
    await expect.poll(inAudio, { timeout: 15_000 }).toEqual([])
    expect((await lk.listRooms([`loopboard-${room.roomId}`])).length).toBe(0)
  })
})

test.describe('audio faults', () => {
  test.use({ serverEnv: { LIVEKIT_URL: 'ws://127.0.0.1:9', LIVEKIT_API_KEY: 'devkey', LIVEKIT_API_SECRET: 'secret' } })

  test('LiveKit unreachable: the audio control says so and retries; the board and presence carry on', async ({
    room,
    join,
  }) => {
    const interviewer = await join(room.links.interviewer, 'Ivy')
    const candidate = await join(room.links.candidate, 'Cam')
    await Promise.all([interviewer.ready(), candidate.ready()])
    const cam = new AudioBar(candidate.page)
    await cam.root.getByRole('button', { name: 'Join audio' }).click()
    await expect(cam.root).toHaveAttribute('data-status', 'error', { timeout: 20_000 })
    await expect(cam.root.getByRole('alert')).toContainText(/could not be reached.*Retrying in \d+s/)
    // It tries again on its own, backing off: a second and third failure follow without a click.
    await expect(cam.root).toHaveAttribute('data-failures', /^[3-9]$/, { timeout: 15_000 })

    await candidate.drawRectangle(300, 200)
    await expect(interviewer.rectangles).toHaveCount(1)
    await interviewer.page.getByRole('tab', { name: /People/ }).click()
    await expect(interviewer.page.getByTestId('participant')).toHaveCount(2)
  })
})
