/**
 * Batched label measurement for tldraw: when tldraw asks for a label measurement that is not
 * known yet, the labels of every page shape of that kind (geo, note, text) not measured before are
 * measured with it, in one layout.
 *
 * tldraw measures each geo, note and text label with `TextManager.measureHtml`: write the label
 * into a hidden element, read its size back — one forced layout per label (~0.35 ms). Opening a
 * 4,000-shape board asks for ~3,000 of them one after another (the Editor's constructor already
 * hit-tests every shape, so this starts before any code of ours could run), ~1 s of main thread.
 * `TextManager.measureHtmlBatch` lays them all out at once (~0.05 ms each). So on a measurement
 * that is not known yet, the requests tldraw is about to make for the shapes not seen before are
 * built here (as tldraw builds them), measured in one batch, and answered from that batch until
 * the running script returns (a microtask); a request not foreseen is measured alone, as before.
 *
 * Answers are kept only while the script that asked runs (fonts finish loading in other tasks),
 * so every answer is what `measureHtml` would have returned at that moment: shapes keep exactly
 * the geometry they had. When tldraw measures again a shape that has not changed, it has dropped
 * its cached measurements of that kind of shape (text shapes, whenever a font they use changes
 * state: requested, loaded): every shape of that kind counts as unseen again and is batched anew.
 *
 * Tied to tldraw 5.4.2 internals: the request builders below mirror `GeoShapeUtil`
 * (`measureUnscaledLabelSize`), `NoteShapeUtil` (`measureNoteLabelSize`, first pass) and
 * `TextShapeUtil` (`getTextSize`); if they drift, requests stop matching and labels are measured
 * one by one again (slower, never wrong). e2e/tests/board.spec.ts opens a board with and without
 * batches and checks that every shape's geometry is the same and that the batches answered.
 */
import {
  getDisplayValues,
  renderHtmlFromRichTextForMeasurement,
  TextManager,
  unsafe__withoutCapture,
  type Editor,
  type TLGeoShape,
  type TLMeasuredTextSize,
  type TLRichText,
  type TLMeasureTextOpts,
  type TLNoteShape,
  type TLShape,
  type TLTextShape,
} from 'tldraw'

export interface MeasureRequest {
  html: string
  opts: TLMeasureTextOpts
}

/** tldraw's `TEXT_PROPS` (internal to tldraw), spread into its label measurements. */
const TEXT_PROPS = { fontWeight: 'normal', fontVariant: 'normal', fontStyle: 'normal', padding: '0px' }
/** Note labels are measured this much narrower than the note (tldraw's `FUZZ`), in px. */
const NOTE_FUZZ_PX = 1
/** Narrowest fixed-width text shape tldraw measures, in px. */
const TEXT_MIN_WIDTH_PX = 16

/** The key of a measurement: its HTML and options, whatever order the options were written in. */
export function measurementKey(html: string, opts: TLMeasureTextOpts): string {
  return `${html}\u0000${stableJson(opts)}`
}

function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined'
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`
}

/** tldraw's `isEmptyRichText` (not exported): no text, however the empty document is encoded. */
function isEmptyRichText(richText: TLRichText): boolean {
  if (richText.content.length === 0) return true
  if (richText.content.length === 1) {
    const node = richText.content[0] as { content?: unknown[] }
    if (!node.content || node.content.length === 0) return true
  }
  return false
}

type Dv = Record<string, number | string>
const displayValues = (editor: Editor, shape: TLShape): Dv =>
  getDisplayValues(editor.getShapeUtil(shape) as unknown as Parameters<typeof getDisplayValues>[0], shape) as Dv

/** The measurements tldraw 5.4.2 makes to lay out `shape`'s label, built without measuring. */
export function labelMeasureRequests(editor: Editor, shape: TLShape): MeasureRequest[] {
  if (editor.isShapeOfType<TLGeoShape>(shape, 'geo')) {
    const { richText, w, scale } = shape.props
    if (isEmptyRichText(richText)) return []
    const dv = displayValues(editor, shape) as Record<string, number> & Record<'labelFontFamily', string>
    const opts: TLMeasureTextOpts = {
      ...TEXT_PROPS,
      fontFamily: dv.labelFontFamily,
      fontSize: dv.labelFontSize!,
      lineHeight: dv.labelLineHeight!,
      minWidth: dv.labelMinWidth!,
      maxWidth: Math.max(
        0,
        Math.ceil(dv.labelMinWidth! + dv.labelExtraPadding!),
        Math.ceil(w / scale - dv.labelPadding! * 2)
      ),
    }
    return [{ html: renderHtmlFromRichTextForMeasurement(editor, richText), opts }]
  }
  if (editor.isShapeOfType<TLNoteShape>(shape, 'note')) {
    const { richText } = shape.props
    if (isEmptyRichText(richText)) return []
    const dv = displayValues(editor, shape) as Record<string, number> & Record<'labelFontFamily', string>
    const opts: TLMeasureTextOpts = {
      ...TEXT_PROPS,
      lineHeight: dv.labelLineHeight!,
      fontFamily: dv.labelFontFamily,
      fontSize: dv.labelFontSize!,
      maxWidth: dv.noteWidth! - dv.labelPadding! * 2 - NOTE_FUZZ_PX,
      disableOverflowWrapBreaking: true,
      measureScrollWidth: true,
    }
    return [{ html: renderHtmlFromRichTextForMeasurement(editor, richText), opts }]
  }
  if (editor.isShapeOfType<TLTextShape>(shape, 'text')) {
    const { richText, w, autoSize } = shape.props
    const dv = displayValues(editor, shape) as Record<string, number> &
      Record<'fontWeight' | 'fontStyle' | 'fontFamily', string>
    const opts: TLMeasureTextOpts = {
      lineHeight: dv.lineHeight!,
      fontWeight: dv.fontWeight,
      fontStyle: dv.fontStyle,
      padding: '0px',
      fontFamily: dv.fontFamily,
      fontSize: dv.fontSize!,
      maxWidth: autoSize ? null : Math.max(TEXT_MIN_WIDTH_PX, Math.floor(w)),
    }
    return [{ html: renderHtmlFromRichTextForMeasurement(editor, richText), opts }]
  }
  return []
}

/** Per text manager (one per editor). */
interface PrefetchState {
  /** Answers of the batches made while the running script lasts; emptied in the next microtask. */
  answers: Map<string, TLMeasuredTextSize>
  /** Shape kinds gathered while the running script lasts (one batch per kind and script at most). */
  gathered: Map<LabelledType, Gathered>
  /** Per kind of shape, the records whose requests were already gathered (tldraw keeps them). */
  seen: Record<LabelledType, WeakSet<TLShape>>
  /** The record each batched measurement was made for, to notice tldraw measuring it again. */
  batchedFor: Map<string, TLShape>
}

export type LabelledType = 'geo' | 'note' | 'text'

/**
 * Which kind of shape a measurement is most likely for, from its options: only note labels ask
 * for their scroll width, only geo labels set a minimum width. A wrong guess only costs a batch.
 */
export const likelyType = (opts: TLMeasureTextOpts): LabelledType =>
  opts.measureScrollWidth ? 'note' : typeof opts.minWidth === 'number' ? 'geo' : 'text'

const states = new WeakMap<TextManager, PrefetchState>()

const newState = (): PrefetchState => ({
  answers: new Map(),
  gathered: new Map(),
  seen: { geo: new WeakSet(), note: new WeakSet(), text: new WeakSet() },
  batchedFor: new Map(),
})

/** Every shape of `type` counts as unseen again: its next measurement batches all of them anew. */
function forgetType(state: PrefetchState, type: LabelledType) {
  state.seen[type] = new WeakSet()
  for (const [key, shape] of state.batchedFor) if (shape.type === type) state.batchedFor.delete(key)
}

/** The unseen shapes of one kind and the requests tldraw will make for them, gathered once per script. */
interface Gathered {
  shapes: TLShape[]
  requests: Map<string, MeasureRequest & { shape: TLShape }>
  /** Measured (or found not worth a batch): later requests are answered or measured alone. */
  done: boolean
}

function gather(editor: Editor, seen: WeakSet<TLShape>, type: LabelledType): Gathered {
  const gathered: Gathered = { shapes: [], requests: new Map(), done: false }
  // Called from inside tldraw's geometry computations: reading the page here must not make every
  // shape's geometry depend on every other shape.
  unsafe__withoutCapture(() => {
    for (const shape of editor.getCurrentPageShapes()) {
      if (shape.type !== type || seen.has(shape)) continue
      gathered.shapes.push(shape)
      let ahead: MeasureRequest[] = []
      try {
        ahead = labelMeasureRequests(editor, shape)
      } catch {
        continue // a shape this file cannot read is left to tldraw, measured alone
      }
      for (const request of ahead) {
        gathered.requests.set(measurementKey(request.html, request.opts), { ...request, shape })
      }
    }
  })
  return gathered
}

/**
 * Measure, in one batch, the labels of every not yet seen shape of the type `key` is likely for,
 * once `key` is among them. Only that type: after fonts load tldraw re-measures text shapes only.
 * A request this file does not foresee (a note re-measured at a smaller font size looks like a
 * text label) is measured alone and leaves the batch to the next request that is foreseen.
 */
function prefetch(manager: TextManager, state: PrefetchState, key: string, opts: TLMeasureTextOpts) {
  const type = likelyType(opts)
  const editor = (manager as unknown as { editor: Editor }).editor
  let gathered = state.gathered.get(type)
  if (!gathered) {
    if (!state.gathered.size) {
      queueMicrotask(() => {
        state.answers.clear()
        state.gathered.clear()
      })
    }
    // A measurement batched before, for a shape that has not changed since: tldraw dropped what it
    // had measured for this kind of shape (a font changed state) and is measuring all of them again.
    const measuredFor = state.batchedFor.get(key)
    if (measuredFor && editor.store.unsafeGetWithoutCapture(measuredFor.id) === measuredFor) {
      forgetType(state, measuredFor.type as LabelledType)
    }
    gathered = gather(editor, state.seen[type], type)
    state.gathered.set(type, gathered)
  }
  if (gathered.done || !gathered.requests.has(key)) return // not foreseen: measured alone, as before
  gathered.done = true
  const seen = state.seen[type]
  for (const shape of gathered.shapes) seen.add(shape)
  const { requests } = gathered
  if (requests.size < 2) return // one label costs the same measured either way
  const batch = [...requests.values()]
  unsafe__withoutCapture(() => {
    const sizes = manager.measureHtmlBatch(batch)
    let i = 0
    for (const [requestKey, request] of requests) {
      state.answers.set(requestKey, sizes[i++]!)
      state.batchedFor.set(requestKey, request.shape)
    }
    // The batch leaves one hidden element per label in the canvas; keep one, not thousands.
    manager.measureHtmlBatch([batch[0]!])
    // Records replaced since they were batched only take memory: drop them once they are the most.
    if (state.batchedFor.size > 2 * editor.getCurrentPageShapeIds().size + 64) {
      for (const [requestKey, shape] of state.batchedFor) {
        if (editor.store.unsafeGetWithoutCapture(shape.id) !== shape) state.batchedFor.delete(requestKey)
      }
    }
  })
}

/** Measurements answered from a batch and measured one by one, since the page loaded. */
export const labelMeasureCounts = { batched: 0, alone: 0 }

let installed = false

/**
 * Make every tldraw editor of this page measure labels in batches (see the file comment). Call
 * before the first editor is created; calling again does nothing.
 */
export function installLabelMeasurePrefetch() {
  if (installed) return
  installed = true
  const measureOne = TextManager.prototype.measureHtml
  TextManager.prototype.measureHtml = function measureHtml(
    this: TextManager,
    html: string,
    opts: TLMeasureTextOpts
  ): TLMeasuredTextSize {
    let state = states.get(this)
    if (!state) {
      state = newState()
      states.set(this, state)
    }
    const key = measurementKey(html, opts)
    if (!state.answers.has(key)) {
      try {
        prefetch(this, state, key, opts)
      } catch (error) {
        // A failed batch must not break the editor: the label is measured alone instead.
        console.warn(`[board] label batch skipped: ${(error as Error)?.message ?? String(error)}`)
      }
    }
    const answer = state.answers.get(key)
    if (answer) {
      labelMeasureCounts.batched++
      return { ...answer }
    }
    labelMeasureCounts.alone++
    return measureOne.call(this, html, opts)
  }
}
