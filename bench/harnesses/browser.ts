/**
 * Browser to browser, in real Chromium: a pointer down on A until the new shape is in B's store
 * (painted within the next frame), and the cold open of a 1,000- and 4,000-shape board until the
 * canvas holds every shape. Builds the client first if needed.
 */
import { spawnSync } from 'node:child_process'
import { chromium, type Browser, type Page } from 'playwright-core'
import { CHROMIUM_ARGS } from '../../playwright.config.ts'
import { buildBoard, uploadBoard } from '../lib/board.ts'
import { openClient, waitUntil, whenReady } from '../lib/clients.ts'
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

/** What a cold open took, from navigation start, in ms. */
interface ColdOpen {
  /** The canvas holds every shape. */
  loaded: number
  /** A rectangle then drawn on it is in a peer's doc. */
  interactive: number
}

/**
 * Navigation start → the canvas holds every shape → a rectangle drawn right then reaches a peer
 * (a headless client in this process), in a fresh browser context (nothing cached, no IndexedDB).
 */
async function coldOpen(browser: Browser, relay: RelayProcess, shapes: number): Promise<ColdOpen> {
  const room = await createRoom(relay)
  const access = { roomId: room.roomId, token: room.tokens.interviewer }
  if (shapes > 0) await uploadBoard(relay.wsBase, access, buildBoard(shapes, 50))
  const peer = openClient(relay.wsBase, access)
  await whenReady(peer, true)
  const records = peer.doc.getMap('tldraw')
  const before = new Set(records.keys())
  let drawnAt = NaN
  records.observe((event) => {
    for (const key of event.keysChanged) if (!before.has(key) && key.startsWith('shape:')) drawnAt ||= Date.now()
  })
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage()
  try {
    const url = new URL(room.links.interviewer) // the interviewer may draw from the start
    url.searchParams.set('name', 'Cold')
    await page.goto(url.toString())
    let loaded = NaN
    await until(
      async () => {
        const [count, now] = await page.evaluate(
          () =>
            [
              window.loopboardEditor ? window.loopboardEditor.getCurrentPageShapes().length : -1,
              performance.now(),
            ] as const
        )
        if (count >= shapes) loaded = now
        return count >= shapes
      },
      `${shapes} shapes on the canvas`,
      60_000
    )
    await page.locator('.badge.connection[data-state="connected"]').waitFor({ timeout: 60_000 })
    // Two frames painted: the canvas responds to input from here on.
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))))
    const origin = await page.evaluate(() => performance.timeOrigin)
    const box = (await page.locator('.tl-canvas').boundingBox())!
    const x = box.x + box.width / 2
    const y = box.y + box.height / 2
    await page.mouse.click(x - 40, y - 40) // focus the canvas, so the tool shortcut reaches it
    await page.keyboard.press('r')
    await page.mouse.move(x, y)
    await page.mouse.down()
    await page.mouse.move(x + 60, y + 40, { steps: 2 })
    await page.mouse.up()
    await waitUntil(() => Number.isFinite(drawnAt), 'the rectangle to reach the peer', 60_000, 2)
    return { loaded, interactive: drawnAt - origin }
  } finally {
    peer.close()
    await page.context().close()
  }
}

/** Browser to browser and the cold opens; `peer: false` runs only the cold opens. */
export async function runBrowser({ peer = true } = {}): Promise<BenchResult[]> {
  const build = spawnSync(process.execPath, ['scripts/ensure-build.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' })
  if (build.status !== 0) throw new Error('could not build the client')
  const relay = await spawnRelay('loopboard')
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  })
  try {
    const results: BenchResult[] = []
    if (peer) results.push(await peerResult(browser, relay))
    const empty = await coldOpen(browser, relay, 0)
    for (const shapes of [0, 1000, 4000]) {
      const open = shapes === 0 ? empty : await coldOpen(browser, relay, shapes)
      results.push({
        harness: 'browser',
        name: shapes ? `cold open of a ${shapes}-shape board` : 'cold open of an empty board',
        params: { shapes },
        metrics: {
          loaded: metric(open.loaded, 'ms'),
          interactive: metric(open.interactive, 'ms'),
          interactiveOverEmpty: metric(open.interactive - empty.interactive, 'ms'),
        },
        notes: [
          'navigation start → the canvas holds every shape (loaded) → a rectangle drawn then is in a peer’s doc (interactive); fresh context, no cache, no IndexedDB',
        ],
      })
    }
    return results
  } finally {
    await browser.close()
    await relay.stop()
  }
}

async function peerResult(browser: Browser, relay: RelayProcess): Promise<BenchResult> {
  const { fromPointer, fromStore } = await pointerToPeer(browser, await createRoom(relay))
  return {
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
  }
}
