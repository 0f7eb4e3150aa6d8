import { writeFileSync } from 'node:fs'
import { chromium } from 'playwright-core'
import { CHROMIUM_ARGS } from '../playwright.config.ts'
import { buildBoard, uploadBoard } from './lib/board.ts'
import { spawnRelay, killAllChildren } from './lib/processes.ts'

const shapes = Number(process.argv[2] ?? 4000)
const relay = await spawnRelay('loopboard', { env: { STATIC_DIR: process.env.STATIC_DIR ?? '/tmp/profdist' } })
const res = await fetch(`${relay.httpBase}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
const room = (await res.json()) as { roomId: string; links: { interviewer: string }; tokens: { interviewer: string } }
if (shapes) await uploadBoard(relay.wsBase, { roomId: room.roomId, token: room.tokens.interviewer }, buildBoard(shapes, 50))
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })
const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage()
const cdp = await page.context().newCDPSession(page)
await cdp.send('Profiler.enable')
await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
await cdp.send('Profiler.start')
const url = new URL(room.links.interviewer)
url.searchParams.set('name', 'Cold')
await page.goto(url.toString())
for (;;) {
  const n = await page.evaluate(() => (window as any).loopboardEditor ? (window as any).loopboardEditor.getCurrentPageShapes().length : -1)
  if (n >= shapes) break
  await new Promise((r) => setTimeout(r, 5))
}
const loaded = await page.evaluate(() => performance.now())
const { profile } = await cdp.send('Profiler.stop')
writeFileSync('/tmp/cold.cpuprofile', JSON.stringify(profile))
console.log({ shapes, loaded })
await browser.close()
killAllChildren()
process.exit(0)
