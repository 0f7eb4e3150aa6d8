/**
 * Headless tldraw stores (no editor, no DOM) and realistic board records for the harnesses: the
 * same setup as the binding's own tests, with shapes a system-design board actually holds.
 */
import { b64Vecs, createShapeId, DIM_2D, toRichText, type TLShape, type TLStore } from '@tldraw/tlschema'
import { mulberry32 } from '../../packages/tldraw-yjs/src/test/mulberry32.ts'
import { PAGE_ID } from '../../packages/tldraw-yjs/src/test/testStore.ts'
import { getIndices } from '@tldraw/utils'

// The store schedules its listeners on the next animation frame; Node has none. Harnesses also
// call `flush` after each simulated frame, so the binding writes exactly once per frame.
globalThis.requestAnimationFrame ??= (callback) =>
  setTimeout(() => callback(performance.now()), 16) as unknown as number
globalThis.cancelAnimationFrame ??= (handle) => clearTimeout(handle as unknown as NodeJS.Timeout)

// Headless stores and the seed records are the binding tests' own.
export { flush, makeStore, PAGE_ID, seedRecords } from '../../packages/tldraw-yjs/src/test/testStore.ts'

/** Deterministic PRNG, so every run builds the same boards (the binding's fuzz tests use it too). */
export const rng = mulberry32

const LABELS = [
  'Load balancer',
  'API gateway',
  'Auth service',
  'Postgres (primary)',
  'Read replica',
  'Redis cache',
  'Kafka topic: events',
  'Worker pool',
  'CDN',
  'Object storage (S3)',
  'Rate limiter',
  'Search index',
  'Notification service',
  'Client (web / mobile)',
]
const COLORS = ['black', 'blue', 'green', 'red', 'orange', 'violet', 'grey'] as const
export type ShapeKind = 'geo' | 'text' | 'note' | 'draw'

const pick = <T>(r: () => number, items: readonly T[]): T => items[Math.floor(r() * items.length)]!

/** Points of a hand-drawn stroke, as a mouse makes them (one per frame, small deltas). */
export function strokePoints(r: () => number, count: number, x0 = 0, y0 = 0) {
  const points: Array<{ x: number; y: number }> = []
  let x = x0
  let y = y0
  for (let i = 0; i < count; i++) {
    x += 2 + r() * 6
    y += (r() - 0.5) * 8
    points.push({ x, y })
  }
  return points
}

/** tldraw's own path encoding for a mouse stroke (`dim: 2`, delta-encoded Float16, base64). */
export const drawSegment = (points: Array<{ x: number; y: number }>) => ({
  type: 'free' as const,
  path: b64Vecs.encodePoints(points, DIM_2D),
  dim: DIM_2D as 2,
})

const base = (id: string, index: string, x: number, y: number) => ({
  id: createShapeId(id),
  typeName: 'shape' as const,
  x,
  y,
  rotation: 0,
  index: index as never,
  parentId: PAGE_ID,
  isLocked: false,
  opacity: 1,
  meta: {},
})

/** One valid shape of `kind`, placed and styled from `r`. */
export function makeShape(kind: ShapeKind, id: string, index: string, r: () => number): TLShape {
  const x = Math.round(r() * 4000 * 100) / 100
  const y = Math.round(r() * 3000 * 100) / 100
  const color = pick(r, COLORS)
  switch (kind) {
    case 'geo':
      return {
        ...base(id, index, x, y),
        type: 'geo',
        props: {
          geo: pick(r, ['rectangle', 'ellipse', 'diamond', 'cloud'] as const),
          dash: 'draw',
          url: '',
          w: 120 + Math.round(r() * 160),
          h: 60 + Math.round(r() * 100),
          growY: 0,
          scale: 1,
          flipX: false,
          flipY: false,
          labelColor: 'black',
          color,
          fill: pick(r, ['none', 'semi', 'solid'] as const),
          size: 'm',
          font: 'draw',
          align: 'middle',
          verticalAlign: 'middle',
          richText: toRichText(pick(r, LABELS)),
        },
      } as TLShape
    case 'text':
      return {
        ...base(id, index, x, y),
        type: 'text',
        props: {
          color,
          size: 'm',
          font: 'draw',
          textAlign: 'start',
          w: 200,
          richText: toRichText(`${pick(r, LABELS)}: p99 < ${Math.round(r() * 300)} ms`),
          scale: 1,
          autoSize: true,
        },
      } as TLShape
    case 'note':
      return {
        ...base(id, index, x, y),
        type: 'note',
        props: {
          color: 'yellow',
          labelColor: 'black',
          size: 'm',
          font: 'draw',
          fontSizeAdjustment: 0,
          align: 'middle',
          verticalAlign: 'middle',
          growY: 0,
          url: '',
          richText: toRichText(`TODO: ${pick(r, LABELS).toLowerCase()} — capacity?`),
          scale: 1,
          textLastEditedBy: null,
        },
      } as TLShape
    case 'draw':
      return {
        ...base(id, index, x, y),
        type: 'draw',
        props: {
          color,
          fill: 'none',
          dash: 'draw',
          size: 'm',
          segments: [drawSegment(strokePoints(r, 20 + Math.floor(r() * 60)))],
          isComplete: true,
          isClosed: false,
          isPen: false,
          scale: 1,
          scaleX: 1,
          scaleY: 1,
        },
      } as TLShape
  }
}

/** A board's worth of shapes: about half labelled boxes, then text, notes and freehand strokes. */
export function boardShapes(count: number, seed = 1, prefix = 'b'): TLShape[] {
  const r = rng(seed)
  const indices = getIndices(count)
  return Array.from({ length: count }, (_, i) => {
    const roll = r()
    const kind: ShapeKind = roll < 0.5 ? 'geo' : roll < 0.7 ? 'text' : roll < 0.85 ? 'note' : 'draw'
    return makeShape(kind, `${prefix}${i}`, indices[i + 1]!, r)
  })
}

/** Number of shape records in a store. */
export const shapeCount = (store: TLStore) => store.query.ids('shape').get().size

/** One frame at 60 Hz, in ms. */
export const FRAME_MS = 1000 / 60

/**
 * A virtual clock for the binding's coalescing timer, so simulated frames take no wall time and
 * every run writes the same updates.
 */
export class VirtualClock {
  now = 0
  private timers: Array<{ at: number; callback: () => void }> = []

  readonly schedule = (callback: () => void, ms: number) => {
    const timer = { at: this.now + ms, callback }
    this.timers.push(timer)
    return () => {
      this.timers = this.timers.filter((t) => t !== timer)
    }
  }

  /** Move time on by `ms`, running the timers that fall due, in order. */
  advance(ms: number) {
    const until = this.now + ms
    for (;;) {
      const due = this.timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0]
      if (!due) break
      this.timers = this.timers.filter((t) => t !== due)
      this.now = due.at
      due.callback()
    }
    this.now = until
  }
}
