import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'
import { bankGuidance, crawlServedAssets } from '../fixtures/servedAssets.ts'
import { expect, test } from '../fixtures/test.ts'

const REPO = resolve(import.meta.dirname, '../..')

// The production build, as `npm start` serves it (built here when missing or stale), not the
// end-to-end tests' own build.
test.use({ serverEnv: { STATIC_DIR: resolve(REPO, 'apps/web/dist') } })
test.beforeAll(() => {
  test.setTimeout(180_000)
  const build = spawnSync(process.execPath, ['scripts/ensure-build.mjs'], { cwd: REPO, encoding: 'utf8' })
  expect(build.status, build.stderr).toBe(0)
})

test('no file or response served without an interviewer credential holds any guidance of the bank', async ({
  server,
  room,
}) => {
  const guidance = bankGuidance()
  expect(guidance.length).toBeGreaterThan(500)

  // What a candidate's browser (or anyone with the URL) can fetch: the app shell for every
  // route, the service worker and everything they reference, and the public prompt list.
  const bodies = await crawlServedAssets(server.url, [
    '/',
    `/r/${room.roomId}`,
    `/r/${room.roomId}/review`,
    '/sw.js',
    '/manifest.webmanifest',
    '/api/prompts',
  ])
  const scripts = [...bodies.keys()].filter((url) => url.endsWith('.js'))
  expect(scripts.length).toBeGreaterThan(1)
  // The crawl reached the code of the interviewer's panel and prompt picker.
  expect([...bodies.values()].some((body) => body.includes('Choose a prompt'))).toBe(true)
  expect(bodies.get(`${server.url}/api/prompts`)).toContain('design-spotify')

  const leaks: string[] = []
  for (const [url, body] of bodies) {
    for (const { promptId, text, forms } of guidance) {
      if (forms.some((form) => body.includes(form))) leaks.push(`${url}: ${promptId}: ${text.slice(0, 80)}`)
    }
  }
  expect(leaks, `guidance found in served files:\n${leaks.slice(0, 20).join('\n')}`).toEqual([])
})
