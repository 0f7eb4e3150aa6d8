/**
 * Browser to browser, in real Chromium: a pointer down on A until the new shape is in B's store
 * (painted within the next frame), and the cold open of a 1,000- and 4,000-shape board until the
 * canvas holds every shape. Builds the client first if needed.
 */
import { spawnSync } from 'node:child_process'
import { chromium, type Browser, type Page } from 'playwright-core'
import { CHROMIUM_ARGS } from '../../playwright.config.ts'
import { buildBoard, uploadBoard } from '../lib/board.ts'
import { REPO_ROOT, spawnRelay, type RelayProcess } from '../lib/processes.ts'
import { metric, quantile, type BenchResult } from '../lib/results.ts'

const SHAPES_DRAWN = 25

interface CreatedRoom {
  roomId: string
  links: { interviewer: string; candidate: string }
  tokens: { interviewer: string }
}

/** Marks the pages keep on `window`. */
interface Marks {
  t0: number
  created: number[]
  seen: number[]
}

async function createRoom(relay: RelayProcess): Promise<CreatedRoom> {
  const res = await fetch(`${relay.httpBase}/api/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  })
  return (await res.json()) as CreatedRoom
}

async function openRoom(browser: Browser, link: string, name: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage()
  const url = new URL(link)
  url.searchParams.set('name', name)
  await page.goto(url.toString())
  await page.locator('.badge.connection[data-state="connected"]').waitFor({ timeout: 30_000 })
  await page.waitForFunction(() => !!window.loopboardEditor)
  return page
}

/** Poll from outside the page: Playwright's own waits run on animation frames, which Chromium throttles in background pages. */
async function until(check: () => Promise<boolean>, label: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

/** Rectangle tool, a short drag on A → the shape in B's store; also from A's own store change. */
async function pointerToPeer(browser: Browser, room: CreatedRoom) {
  const a = await openRoom(browser, room.links.interviewer, 'A')
  const b = await openRoom(browser, room.links.candidate, 'B')
  await a.evaluate(() => {
    const w = window as unknown as Marks
    w.created = []
    window.addEventListener('pointerdown', () => (w.t0 = performance.timeOrigin + performance.now()), { capture: true })
    window.loopboardEditor!.store.listen(
      ({ changes }) => {
        if (Object.values(changes.added).some((r) => r.typeName === 'shape'))
          w.created.push(performance.timeOrigin + performance.now())
      },
      { source: 'user' }
    )
  })
  await b.evaluate(() => {
    const w = window as unknown as Marks
    w.seen = []
    window.loopboardEditor!.store.listen(
      ({ changes }) => {
        if (Object.values(changes.added).some((r) => r.typeName === 'shape'))
          w.seen.push(performance.timeOrigin + performance.now())
      },
      { source: 'remote' }
    )
  })
  const box = (await a.locator('.tl-canvas').boundingBox())!
  const fromPointer: number[] = []
  const fromStore: number[] = []
  for (let i = 0; i < SHAPES_DRAWN; i++) {
    const x = box.x + 100 + (i % 5) * 110 // clear of the style panel on the right
    const y = box.y + 130 + Math.floor(i / 5) * 110
    await a.mouse.click(x - 40, y - 40)
    await a.keyboard.press('r')
    await a.mouse.move(x, y)
    await a.mouse.down()
    await a.mouse.move(x + 60, y + 40, { steps: 2 })
    await a.mouse.up()
    await until(async () => (await b.evaluate(() => (window as unknown as Marks).seen.length)) > i, `shape ${i} on B`)
    const [t0, created] = await a.evaluate(() => {
      const w = window as unknown as Marks
      return [w.t0, w.created[w.created.length - 1]!] as const
    })
    const t1 = await b.evaluate((n) => (window as unknown as Marks).seen[n]!, i)
    fromPointer.push(t1 - t0)
    fromStore.push(t1 - created)
  }
  await a.context().close()
  await b.context().close()
  return { fromPointer: fromPointer.sort((p, q) => p - q), fromStore: fromStore.sort((p, q) => p - q) }
}

/** Navigation start → canvas holding every shape, in a fresh browser context (nothing cached). */
async function coldOpen(browser: Browser, relay: RelayProcess, shapes: number): Promise<number> {
  const room = await createRoom(relay)
  await uploadBoard(relay.wsBase, { roomId: room.roomId, token: room.tokens.interviewer }, buildBoard(shapes, 50))
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage()
  const url = new URL(room.links.candidate)
  url.searchParams.set('name', 'Cold')
  await page.goto(url.toString())
  let ms = NaN
  await until(
    async () => {
      const [count, now] = await page.evaluate(
        () => [window.loopboardEditor?.getCurrentPageShapes().length ?? 0, performance.now()] as const
      )
      if (count >= shapes) ms = now
      return count >= shapes
    },
    `${shapes} shapes on the canvas`,
    60_000
  )
  await page.context().close()
  return ms
}

export async function runBrowser(): Promise<BenchResult[]> {
  const build = spawnSync(process.execPath, ['scripts/ensure-build.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' })
  if (build.status !== 0) throw new Error('could not build the client')
  const relay = await spawnRelay('loopboard')
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  })
  try {
    const { fromPointer, fromStore } = await pointerToPeer(browser, await createRoom(relay))
    const results: BenchResult[] = [
      {
        harness: 'browser',
        name: 'pointer down on A → shape on B',
        params: { shapes: SHAPES_DRAWN, gesture: 'rectangle tool, 2-step drag' },
        metrics: {
          p50: metric(quantile(fromPointer, 0.5), 'ms'),
          p95: metric(quantile(fromPointer, 0.95), 'ms'),
          storeToPeerP50: metric(quantile(fromStore, 0.5), 'ms'),
          storeToPeerP95: metric(quantile(fromStore, 0.95), 'ms'),
        },
        notes: [
          'from the pointerdown on A (the drag gesture that makes the rectangle included) and from the shape entering A’s store, to the shape entering B’s store; painting follows within one frame',
        ],
      },
    ]
    for (const shapes of [1000, 4000]) {
      results.push({
        harness: 'browser',
        name: `cold open of a ${shapes}-shape board`,
        params: { shapes },
        metrics: { interactive: metric(await coldOpen(browser, relay, shapes), 'ms') },
        notes: ['navigation start → the canvas holds every shape (fresh context, no cache, no IndexedDB)'],
      })
    }
    return results
  } finally {
    await browser.close()
    await relay.stop()
  }
}
