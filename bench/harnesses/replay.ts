/**
 * Replay: rebuild and seek in a synthetic 60-minute session, as the review page does.
 * Two people draw ~300 shapes, drag them at 30 Hz in bursts, edit and delete some; every
 * effective update is logged with its (simulated) server time. Then: build the Replayer
 * (checkpoints) and seek to random moments, turning the state into the board's records.
 */
import { performance } from 'node:perf_hooks'
import { Replayer, type LoggedUpdate } from '../../packages/board-replay/src/index.ts'
import * as Y from 'yjs'
import { metric, quantile, type BenchResult } from '../lib/results.ts'
import { rng } from '../lib/tldraw.ts'

const SESSION_MS = 60 * 60_000
const SHAPES = 300
const DRAG_FRAMES_PER_BURST = 60 // 2 s at 30 Hz
const BURSTS = 600

function shape(id: string, rand: () => number) {
  return {
    id,
    typeName: 'shape',
    type: 'geo',
    x: Math.round(rand() * 2000),
    y: Math.round(rand() * 1200),
    rotation: 0,
    index: 'a1',
    parentId: 'page:page',
    isLocked: false,
    opacity: 1,
    meta: {},
    props: { geo: 'rectangle', w: 120, h: 80, color: 'black', fill: 'none', dash: 'draw', size: 'm', text: '' },
  }
}

function synthesize(): LoggedUpdate[] {
  const rand = rng(42)
  const docs = [new Y.Doc(), new Y.Doc()]
  const log: LoggedUpdate[] = []
  let now = 1_800_000_000_000
  docs.forEach((doc, i) =>
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === 'peer') return
      log.push({ ts: now, update })
      Y.applyUpdate(docs[1 - i]!, update, 'peer')
    })
  )
  const step = SESSION_MS / (SHAPES + BURSTS)
  const ids: string[] = []
  for (let i = 0; i < SHAPES + BURSTS; i++) {
    const doc = docs[i % 2]!
    const records = doc.getMap<Y.Map<unknown>>('tldraw')
    now += step
    if (i % 3 === 0 && ids.length < SHAPES) {
      const id = `shape:${ids.length}`
      ids.push(id)
      records.set(id, new Y.Map(Object.entries(shape(id, rand))))
    } else if (ids.length) {
      const id = ids[Math.floor(rand() * ids.length)]!
      const record = records.get(id)
      if (!record) continue
      if (rand() < 0.03) {
        records.delete(id)
        continue
      }
      for (let f = 0; f < DRAG_FRAMES_PER_BURST; f++) {
        now += 33
        doc.transact(() => {
          record.set('x', (record.get('x') as number) + 3)
          record.set('y', (record.get('y') as number) + 1)
        })
      }
    }
  }
  return log
}

export async function runReplay(): Promise<BenchResult[]> {
  const log = synthesize()
  const t0 = performance.now()
  const replayer = new Replayer(log)
  const buildMs = performance.now() - t0

  const rand = rng(7)
  const seeks: number[] = []
  for (let i = 0; i < 40; i++) {
    const t = replayer.start + rand() * (replayer.end - replayer.start)
    const s0 = performance.now()
    const doc = replayer.docAt(t)
    doc.getMap('tldraw').toJSON() // what the review page turns into tldraw records
    seeks.push(performance.now() - s0)
    doc.destroy()
  }
  seeks.sort((a, b) => a - b)
  const logBytes = log.reduce((sum, u) => sum + u.update.byteLength, 0)
  return [
    {
      harness: 'replay',
      name: 'seek in a 60-minute session',
      params: {
        sessionMinutes: 60,
        updates: log.length,
        shapes: SHAPES,
        dragFrames: BURSTS * DRAG_FRAMES_PER_BURST,
        logBytes,
      },
      metrics: {
        build: metric(buildMs, 'ms'),
        seekP50: metric(quantile(seeks, 0.5), 'ms'),
        seekP95: metric(quantile(seeks, 0.95), 'ms'),
        seekMax: metric(seeks[seeks.length - 1]!, 'ms'),
      },
    },
  ]
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [result] = await runReplay()
  console.log(JSON.stringify(result, null, 2))
}
