/**
 * Harness 2: bytes on the wire and document size, with the real binding (`bindStoreToYDoc`) on
 * headless tldraw stores. Each measurement also runs against a "whole record" doc, where every
 * change writes the full record as one value per key (as the tldraw-yjs example does).
 */
import { bindStoreToYDoc } from '@loopboard/tldraw-yjs'
import type { TLDrawShape, TLGeoShape, TLRecord, TLShape, TLStore } from '@tldraw/tlschema'
import { toRichText } from '@tldraw/tlschema'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { metric, type BenchResult } from '../lib/results.ts'
import {
  boardShapes,
  drawSegment,
  flush,
  FRAME_MS,
  makeShape,
  makeStore,
  rng,
  seedRecords,
  strokePoints,
  VirtualClock,
} from '../lib/tldraw.ts'

/** Size of the y-websocket frame for an update of `bytes`: message type, sync sub-type, length-prefixed update. */
export function yFrameBytes(bytes: number): number {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 0)
  syncProtocol.writeUpdate(e, new Uint8Array(bytes))
  return encoding.length(e)
}

/** WebSocket framing on top: 2-byte header (+2 or +8 for longer payloads), +4 mask bytes client→server. */
export const wsFrameBytes = (payload: number, masked: boolean) =>
  payload + 2 + (payload >= 126 ? (payload > 65535 ? 8 : 2) : 0) + (masked ? 4 : 0)

interface Side {
  clock: VirtualClock
  store: TLStore
  doc: Y.Doc
  whole: Y.Doc
  updates: number[]
  wholeUpdates: number[]
}

/**
 * A store bound to a Y.Doc, plus a mirror doc written whole-record-per-key from the same changes.
 * `joining` makes this the second participant: its docs start from the first one's state (as after
 * a sync), instead of seeding their own copies of the document and page records.
 */
function boundStore(initial: TLRecord[] = seedRecords(), joining?: Side): Side {
  const store = makeStore()
  store.put(initial)
  const doc = new Y.Doc()
  const whole = new Y.Doc()
  const clock = joining?.clock ?? new VirtualClock()
  const side: Side = { clock, store, doc, whole, updates: [], wholeUpdates: [] }
  if (joining) Y.applyUpdate(doc, Y.encodeStateAsUpdate(joining.doc))
  bindStoreToYDoc({ store, doc, schedule: clock.schedule })
  const wholeMap = whole.getMap<unknown>('tldraw')
  if (joining) Y.applyUpdate(whole, Y.encodeStateAsUpdate(joining.whole))
  else {
    whole.transact(() => {
      for (const record of initial) wholeMap.set(record.id, record)
    })
  }
  doc.on('update', (u: Uint8Array, origin: unknown) => origin !== REMOTE && side.updates.push(u.byteLength))
  whole.on('update', (u: Uint8Array, origin: unknown) => origin !== REMOTE && side.wholeUpdates.push(u.byteLength))
  store.listen(
    ({ changes }) =>
      whole.transact(() => {
        for (const r of Object.values(changes.added)) wholeMap.set(r.id, r)
        for (const [, to] of Object.values(changes.updated)) wholeMap.set(to.id, to)
        for (const r of Object.values(changes.removed)) wholeMap.delete(r.id)
      }),
    { source: 'user', scope: 'document' }
  )
  return side
}

const REMOTE = Symbol('bench-remote')

/** One simulated frame: the store's listeners run (the binding writes), then a frame's time passes. */
function tick(side: Side) {
  flush(side.store)
  side.clock.advance(FRAME_MS)
}

/** JSON with object keys sorted, so two stores holding equal records compare equal. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([x], [y]) => (x < y ? -1 : 1))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)
const mean = (xs: number[]) => (xs.length ? sum(xs) / xs.length : NaN)

function dragResult(): BenchResult {
  const r = rng(3)
  const shape = makeShape('geo', 'drag', 'a2', r) as TLGeoShape
  const side = boundStore([...seedRecords(), shape])
  const fieldsJson: number[] = []
  let x = shape.x
  let y = shape.y
  for (let i = 0; i < 60; i++) {
    // Pointer deltas in page space at a non-integer zoom: arbitrary doubles, as in the editor.
    x += 3.1 + r() * 2.7182818
    y += 1.3 - r() * 1.4142135
    side.store.update(shape.id, (s) => ({ ...s, x, y }))
    tick(side)
    fieldsJson.push(JSON.stringify({ x, y }).length - 2) // "x":…,"y":… without the braces
  }
  const frames = side.updates.map(yFrameBytes)
  const wire = frames.map((f) => wsFrameBytes(f, true))
  const changed = mean(fieldsJson)
  return {
    harness: 'wire-size',
    name: 'drag one shape (60 frames)',
    params: { frames: 60, changedFields: ['x', 'y'] },
    metrics: {
      framesSent: metric(side.updates.length, 'count'),
      yUpdate: metric(mean(side.updates), 'B/frame'),
      yWebsocketFrame: metric(mean(frames), 'B/frame'),
      wsFrameClientToServer: metric(mean(wire), 'B/frame'),
      changedFieldsJson: metric(changed, 'B/frame'),
      changedFieldsBinary: metric(16, 'B/frame'),
      yUpdateVsChangedJson: metric(mean(side.updates) / changed, 'x'),
      yWebsocketFrameVsChangedJson: metric(mean(frames) / changed, 'x'),
      wholeRecordYUpdate: metric(mean(side.wholeUpdates), 'B/frame'),
      wholeRecordVsNested: metric(mean(side.wholeUpdates) / mean(side.updates), 'x'),
    },
  }
}

function drawResult(frames: number): BenchResult {
  const r = rng(4)
  const shape = makeShape('draw', 'stroke', 'a2', r) as TLDrawShape
  const points = strokePoints(r, 1)
  const first = { ...shape, props: { ...shape.props, segments: [drawSegment(points)], isComplete: false } }
  const side = boundStore([...seedRecords()])
  side.store.put([first])
  tick(side)
  const createBytes = side.updates.at(-1) ?? 0
  side.updates.length = 0
  side.wholeUpdates.length = 0
  const more = strokePoints(r, frames, points[0]!.x, points[0]!.y)
  for (let i = 0; i < frames; i++) {
    points.push(more[i]!)
    side.store.update(shape.id, (s) => {
      const draw = s as TLDrawShape
      return { ...draw, props: { ...draw.props, segments: [drawSegment(points)] } }
    })
    tick(side)
  }
  side.clock.advance(1000) // the pointer rests: whatever was coalesced goes out
  const total = sum(side.updates)
  // Everything the stroke sent, its creation included.
  const wire = sum([createBytes, ...side.updates].map((u) => wsFrameBytes(yFrameBytes(u), true)))
  const finalRecord = JSON.stringify(side.store.get(shape.id)).length
  return {
    harness: 'wire-size',
    name: `freehand stroke (${frames} frames)`,
    params: { frames, pointsAtEnd: points.length, encoding: 'tldraw b64 path, dim 2 (mouse)' },
    metrics: {
      createUpdate: metric(createBytes, 'B'),
      firstFrame: metric(side.updates[0] ?? NaN, 'B'),
      lastFrame: metric(side.updates.at(-1) ?? NaN, 'B'),
      meanFrame: metric(mean(side.updates), 'B/frame'),
      strokeTotal: metric(total, 'B'),
      framesSent: metric(side.updates.length, 'count'),
      strokeWireTotal: metric(wire, 'B'),
      finalRecordJson: metric(finalRecord, 'B'),
      wireVsFinalRecord: metric(wire / finalRecord, 'x'),
      newDataPerFrame: metric(4, 'B/frame (one float16 x,y delta)'),
      lastFrameVsNewData: metric((side.updates.at(-1) ?? NaN) / 4, 'x'),
      wholeRecordStrokeTotal: metric(sum(side.wholeUpdates), 'B'),
      finalPathChars: metric(drawSegment(points).path.length, 'chars'),
    },
  }
}

/** Typing a 300-character label key by key at a human rate (8 keys/s), one paragraph. */
function typingResult(): BenchResult {
  const r = rng(5)
  const shape = makeShape('geo', 'label', 'a2', r) as TLGeoShape
  const side = boundStore([...seedRecords(), { ...shape, props: { ...shape.props, richText: toRichText('') } }])
  const text = 'Writes go to the primary, reads to replicas; cache user sessions in Redis. '.repeat(4).slice(0, 300)
  const wire: number[] = []
  for (let k = 1; k <= text.length; k++) {
    const before = side.updates.length
    side.store.update(shape.id, (s) => {
      const geo = s as TLGeoShape
      return { ...geo, props: { ...geo.props, richText: toRichText(text.slice(0, k)) } }
    })
    flush(side.store)
    side.clock.advance(125)
    wire.push(sum(side.updates.slice(before).map((u) => wsFrameBytes(yFrameBytes(u), true))))
  }
  // The first key creates the text node and the second nests the label (one whole-props write).
  const first = mean(wire.slice(10, 20))
  const last = mean(wire.slice(-10))
  return {
    harness: 'wire-size',
    name: 'typing a 300-character label',
    params: { characters: text.length, keysPerS: 8 },
    metrics: {
      keystrokeWireKeys11to20: metric(first, 'B/key'),
      keystrokeWireLast10: metric(last, 'B/key'),
      lastVsFirst: metric(last / first, 'x'),
      typedWireTotal: metric(sum(wire), 'B'),
      wholeRecordTypedTotal: metric(sum(side.wholeUpdates), 'B'),
    },
  }
}

/** Two people, ten minutes, at human rates (simulated time: the ops are replayed back to back). */
function sessionResult(): BenchResult {
  const a = boundStore()
  const b = boundStore(seedRecords(), a)
  for (const [from, to] of [
    [a, b],
    [b, a],
  ] as const) {
    from.doc.on('update', (u: Uint8Array, origin: unknown) => origin !== REMOTE && Y.applyUpdate(to.doc, u, REMOTE))
    from.whole.on('update', (u: Uint8Array, o: unknown) => o !== REMOTE && Y.applyUpdate(to.whole, u, REMOTE))
  }
  const r = rng(11)
  const shapes = boardShapes(150, 12, 's')
  const live: TLShape['id'][] = []
  const counts = { create: 0, dragFrames: 0, drags: 0, resizes: 0, keystrokes: 0, recolors: 0, deletes: 0 }
  const frame = (side: Side, id: TLShape['id'], fn: (s: TLShape) => TLShape) => {
    if (!side.store.has(id)) return
    side.store.update(id, fn)
    tick(side)
  }
  const props = (s: TLShape, patch: Record<string, unknown>) => ({ ...s, props: { ...s.props, ...patch } }) as TLShape
  // Per person over 600 s: 75 shapes, ~125 drags of 0.3–1.5 s at 60 Hz, 25 resizes, 35 label
  // edits typed key by key, 20 colour changes, 12 deletes: 350 actions, one every ~1.7 s.
  const actions: string[] = []
  for (const [n, kind] of [
    [150, 'create'],
    [250, 'drag'],
    [50, 'resize'],
    [70, 'type'],
    [40, 'recolor'],
    [25, 'delete'],
  ] as const) {
    for (let i = 0; i < n; i++) actions.push(kind)
  }
  // Shuffled; while fewer than three shapes exist, any action becomes a creation.
  actions.sort(() => r() - 0.5)
  let created = 0
  for (let i = 0; i < actions.length; i++) {
    const side = i % 2 ? b : a
    let action = actions[i]!
    if (action !== 'create' && live.length < 3 && created < shapes.length) action = 'create'
    const target = live[Math.floor(r() * live.length)]
    if (action === 'create' && created < shapes.length) {
      const shape = shapes[created++]!
      if (shape.type === 'draw') {
        // A stroke is created on the first frame and grows every frame after.
        const pts = strokePoints(r, 1, 0, 0)
        side.store.put([props(shape, { segments: [drawSegment(pts)], isComplete: false })])
        tick(side)
        const n = 20 + Math.floor(r() * 60)
        for (const p of strokePoints(r, n, pts[0]!.x, pts[0]!.y)) {
          pts.push(p)
          frame(side, shape.id, (s) => props(s, { segments: [drawSegment(pts)] }))
        }
        frame(side, shape.id, (s) => props(s, { isComplete: true }))
      } else {
        side.store.put([shape])
        tick(side)
      }
      live.push(shape.id)
      counts.create++
    } else if (action === 'drag' && target) {
      const n = 18 + Math.floor(r() * 72)
      for (let f = 0; f < n; f++) {
        frame(side, target, (s) => ({ ...s, x: s.x + 2.3 + r() * 3.1, y: s.y + 1.1 - r() * 2.2 }))
      }
      counts.drags++
      counts.dragFrames += n
    } else if (action === 'resize' && target) {
      for (let f = 0; f < 30; f++) {
        frame(side, target, (s) => ('w' in s.props ? props(s, { w: (s.props.w as number) + 1.7 }) : s))
      }
      counts.resizes++
    } else if (action === 'type' && target) {
      const text = ['Sharded by user id', 'p99 < 200 ms', 'write-through cache', 'idempotency key'][i % 4]!
      for (let k = 1; k <= text.length; k++) {
        frame(side, target, (s) => ('richText' in s.props ? props(s, { richText: toRichText(text.slice(0, k)) }) : s))
        counts.keystrokes++
      }
    } else if (action === 'recolor' && target) {
      frame(side, target, (s) => ('color' in s.props ? props(s, { color: i % 3 ? 'red' : 'blue' }) : s))
      counts.recolors++
    } else if (action === 'delete' && target) {
      side.store.remove([target])
      tick(side)
      live.splice(live.indexOf(target), 1)
      counts.deletes++
    }
  }
  a.clock.advance(1000)
  const state = Y.encodeStateAsUpdate(a.doc).byteLength
  const wholeState = Y.encodeStateAsUpdate(a.whole).byteLength
  const log = sum(a.updates) + sum(b.updates)
  const wholeLog = sum(a.wholeUpdates) + sum(b.wholeUpdates)
  const documentRecords = (side: Side) =>
    side.store
      .allRecords()
      .filter((rec) => side.store.schema.types[rec.typeName]?.scope === 'document')
      .sort((x, y) => (x.id < y.id ? -1 : 1))
  const canonical = (side: Side) => stableJson(documentRecords(side))
  const json = JSON.stringify(documentRecords(a)).length

  const converged =
    canonical(a) === canonical(b) &&
    documentRecords(a).length === a.doc.getMap('tldraw').size &&
    !a.doc.store.pendingStructs &&
    !b.doc.store.pendingStructs
  return {
    harness: 'wire-size',
    name: '10-minute two-person session',
    params: { people: 2, simulatedMinutes: 10, ...counts, liveShapesAtEnd: live.length },
    metrics: {
      updates: metric(a.updates.length + b.updates.length, 'count'),
      stateBytes: metric(state, 'B'),
      wholeRecordStateBytes: metric(wholeState, 'B'),
      stateVsWholeRecord: metric(state / wholeState, 'x'),
      logBytes: metric(log, 'B'),
      wholeRecordLogBytes: metric(wholeLog, 'B'),
      recordsJsonBytes: metric(json, 'B'),
      stateVsJson: metric(state / json, 'x'),
      converged: metric(converged ? 1 : 0, 'bool'),
    },
  }
}

export function runWireSize(): BenchResult[] {
  return [dragResult(), drawResult(120), drawResult(600), typingResult(), sessionResult()]
}
