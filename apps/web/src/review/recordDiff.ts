import { jsonEqual } from '@loopboard/tldraw-yjs'

/** Board records as plain JSON, keyed by id (what `Y.Map#toJSON` gives for the `tldraw` map). */
export type RecordsById = Record<string, Record<string, unknown>>

export interface ShapeChange {
  id: string
  /** The shape type: geo, text, note, arrow, draw… */
  type: string
  /** Plain text of the shape's label, if it has one (shortened). */
  label: string | null
  /** Changed field paths (`x`, `props.w`…); only for changed shapes. */
  fields?: string[]
}

export interface ShapeDiff {
  added: ShapeChange[]
  changed: ShapeChange[]
  removed: ShapeChange[]
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const BLOCKS = new Set(['paragraph', 'heading', 'listItem', 'blockquote', 'codeBlock'])

/** The plain text of a tldraw rich text document (TipTap JSON): blocks on their own lines. */
export function richTextToPlain(richText: unknown): string {
  const lines: string[] = []
  let line = ''
  const walk = (node: unknown) => {
    if (!isObject(node)) return
    if (node.type === 'text' && typeof node.text === 'string') line += node.text
    else if (node.type === 'hardBreak') line += '\n'
    if (Array.isArray(node.content)) for (const child of node.content) walk(child)
    if (typeof node.type === 'string' && BLOCKS.has(node.type)) {
      lines.push(line)
      line = ''
    }
  }
  walk(richText)
  if (line) lines.push(line)
  return lines.join('\n').trim()
}

/** A short label for a shape: its rich text, a frame's name, or an older plain `text` prop. */
export function shapeLabel(record: Record<string, unknown>, max = 60): string | null {
  const props = isObject(record.props) ? record.props : {}
  const raw =
    ('richText' in props ? richTextToPlain(props.richText) : '') ||
    (typeof props.name === 'string' ? props.name : '') ||
    (typeof props.text === 'string' ? props.text : '')
  const text = raw.replace(/\s+/g, ' ').trim()
  if (!text) return null
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

/** Paths of the fields that differ, one level into `props` and `meta`. */
export function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const fields: string[] = []
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = before[key]
    const b = after[key]
    if (jsonEqual(a, b)) continue
    if ((key === 'props' || key === 'meta') && isObject(a) && isObject(b)) {
      for (const sub of new Set([...Object.keys(a), ...Object.keys(b)])) {
        if (!jsonEqual(a[sub], b[sub])) fields.push(`${key}.${sub}`)
      }
    } else fields.push(key)
  }
  return fields.sort()
}

const FIELD_WORDS: Record<string, string> = {
  x: 'position',
  y: 'position',
  rotation: 'rotation',
  parentId: 'parent',
  index: 'order',
  isLocked: 'lock',
  opacity: 'opacity',
  'props.w': 'size',
  'props.h': 'size',
  'props.scale': 'size',
  'props.richText': 'text',
  'props.text': 'text',
  'props.name': 'name',
  'props.color': 'color',
  'props.labelColor': 'color',
  'props.fill': 'fill',
  'props.dash': 'stroke',
  'props.size': 'stroke',
  'props.font': 'font',
  'props.geo': 'shape',
  'props.segments': 'drawing',
  'props.start': 'ends',
  'props.end': 'ends',
  'props.bend': 'bend',
}

/** Changed fields in words, each once: `position, size, text`. */
export function describeFields(fields: readonly string[]): string {
  const words: string[] = []
  for (const field of fields) {
    const word = FIELD_WORDS[field] ?? field.replace(/^props\./, '')
    if (!words.includes(word)) words.push(word)
  }
  return words.join(', ')
}

const isShape = (record: unknown): record is Record<string, unknown> => isObject(record) && record.typeName === 'shape'

function change(record: Record<string, unknown>, id: string): ShapeChange {
  return { id, type: typeof record.type === 'string' ? record.type : 'shape', label: shapeLabel(record) }
}

const byTypeAndLabel = (a: ShapeChange, b: ShapeChange) =>
  a.type.localeCompare(b.type) || (a.label ?? '').localeCompare(b.label ?? '') || a.id.localeCompare(b.id)

/** Shapes added, changed (with which fields) and removed between two states of the board. */
export function diffShapes(before: RecordsById, after: RecordsById): ShapeDiff {
  const diff: ShapeDiff = { added: [], changed: [], removed: [] }
  for (const [id, record] of Object.entries(after)) {
    if (!isShape(record)) continue
    const old = before[id]
    if (!isShape(old)) diff.added.push(change(record, id))
    else {
      const fields = changedFields(old, record)
      if (fields.length) diff.changed.push({ ...change(record, id), fields })
    }
  }
  for (const [id, record] of Object.entries(before)) {
    if (isShape(record) && !isShape(after[id])) diff.removed.push(change(record, id))
  }
  diff.added.sort(byTypeAndLabel)
  diff.changed.sort(byTypeAndLabel)
  diff.removed.sort(byTypeAndLabel)
  return diff
}
