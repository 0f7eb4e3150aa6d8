import { atom } from '@tldraw/state'
import { Store } from '@tldraw/store'
import {
  b64Vecs,
  createShapeId,
  DIM_2D,
  createTLSchema,
  DocumentRecordType,
  TLDOCUMENT_ID,
  PageRecordType,
  toRichText,
  type TLDrawShape,
  type TLGeoShape,
  type TLPageId,
  type TLRecord,
  type TLStore,
  type TLStoreProps,
} from '@tldraw/tlschema'
import * as Y from 'yjs'

const schema = createTLSchema()

/** A bare tldraw store (no editor, no DOM), as the binding sees one. */
export function makeStore(): TLStore {
  const props: TLStoreProps = {
    defaultName: 'test',
    assets: {
      upload: async () => ({ src: '' }),
      resolve: (asset) => asset.props.src,
      remove: async () => {},
    },
    users: { currentUser: atom('user', null), resolve: () => atom('user', null) },
    onMount: () => {},
  }
  return new Store({ schema, props }) as unknown as TLStore
}

export const PAGE_ID = PageRecordType.createId('page')

/** The records every board starts with: the document and one page (fixed ids, as tldraw makes them). */
export function seedRecords(): TLRecord[] {
  return [
    DocumentRecordType.create({ id: TLDOCUMENT_ID }),
    PageRecordType.create({ id: PAGE_ID, name: 'Page 1', index: 'a1' as never }),
  ]
}

/** A valid rectangle. */
export function geo(name: string, overrides: Partial<TLGeoShape> = {}, page: TLPageId = PAGE_ID): TLGeoShape {
  return {
    id: createShapeId(name),
    typeName: 'shape',
    type: 'geo',
    x: 0,
    y: 0,
    rotation: 0,
    index: 'a1' as never,
    parentId: page,
    isLocked: false,
    opacity: 1,
    meta: {},
    ...overrides,
    props: {
      geo: 'rectangle',
      dash: 'draw',
      url: '',
      w: 100,
      h: 80,
      growY: 0,
      scale: 1,
      flipX: false,
      flipY: false,
      labelColor: 'black',
      color: 'black',
      fill: 'none',
      size: 'm',
      font: 'draw',
      align: 'middle',
      verticalAlign: 'middle',
      richText: toRichText(''),
      ...overrides.props,
    },
  } as TLGeoShape
}

/** Points of a hand-drawn stroke, one per frame. */
export function strokePoints(count: number, from = { x: 0, y: 0 }) {
  const points: Array<{ x: number; y: number }> = []
  let { x, y } = from
  for (let i = 0; i < count; i++) {
    x += 2 + ((i * 7) % 5)
    y += ((i * 13) % 9) - 4
    points.push({ x, y })
  }
  return points
}

/** A freehand stroke through `points`, as tldraw's draw tool stores it (dim 2, mouse input). */
export function stroke(name: string, points: Array<{ x: number; y: number }>, page: TLPageId = PAGE_ID): TLDrawShape {
  return {
    id: createShapeId(name),
    typeName: 'shape',
    type: 'draw',
    x: 0,
    y: 0,
    rotation: 0,
    index: 'a2' as never,
    parentId: page,
    isLocked: false,
    opacity: 1,
    meta: {},
    props: {
      color: 'black',
      fill: 'none',
      dash: 'draw',
      size: 'm',
      segments: [{ type: 'free', path: b64Vecs.encodePoints(points, DIM_2D), dim: DIM_2D }],
      isComplete: false,
      isClosed: false,
      isPen: false,
      scale: 1,
      scaleX: 1,
      scaleY: 1,
    },
  } as TLDrawShape
}

/** Grow a stroke to `points` the way the draw tool does: its last segment's path re-encoded. */
export function growStroke(store: TLStore, id: TLDrawShape['id'], points: Array<{ x: number; y: number }>) {
  store.update(id, (s) => {
    const draw = s as TLDrawShape
    const segments = [...draw.props.segments]
    segments[segments.length - 1] = { ...segments.at(-1)!, path: b64Vecs.encodePoints(points, DIM_2D) }
    return { ...draw, props: { ...draw.props, segments } }
  })
}

/** Set a rectangle's label the way the text editor does (a whole new rich-text document). */
export function relabel(store: TLStore, id: TLGeoShape['id'], text: string) {
  store.update(id, (s) => {
    const shape = s as TLGeoShape
    return { ...shape, props: { ...shape.props, richText: toRichText(text) } }
  })
}

/** Plain text of a rectangle's label. */
export function labelOf(shape: TLGeoShape | undefined): string {
  const walk = (node: unknown): string => {
    const n = node as { text?: string; content?: unknown[] }
    return (n.text ?? '') + (n.content ?? []).map(walk).join('\n')
  }
  return shape ? walk(shape.props.richText) : ''
}

/** Deliver store listener callbacks now instead of on the next frame. */
export function flush(...stores: TLStore[]) {
  for (const store of stores) store._flushHistory()
}

/**
 * A network between docs that can be cut and healed. While cut, updates queue up per
 * link; `heal` delivers them (optionally in reverse order, to exercise out-of-order arrival).
 */
export class Network {
  private queues = new Map<Y.Doc, Uint8Array[]>()
  private connected = true
  private docs: Y.Doc[]

  constructor(docs: Y.Doc[]) {
    this.docs = docs
    for (const doc of docs) {
      this.queues.set(doc, [])
      doc.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin === this) return
        for (const other of docs) {
          if (other === doc) continue
          if (this.connected) Y.applyUpdate(other, update, this)
          else this.queues.get(other)!.push(update)
        }
      })
    }
  }

  cut() {
    this.connected = false
  }

  heal({ reverse = false } = {}) {
    this.connected = true
    for (const doc of this.docs) {
      const queue = this.queues.get(doc)!
      this.queues.set(doc, [])
      for (const update of reverse ? queue.reverse() : queue) Y.applyUpdate(doc, update, this)
    }
  }
}

/** Change a rectangle's colour the way a user would. */
export function recolor(store: TLStore, id: TLGeoShape['id'], color: TLGeoShape['props']['color']) {
  store.update(id, (s) => {
    const shape = s as TLGeoShape
    return { ...shape, props: { ...shape.props, color } }
  })
}
