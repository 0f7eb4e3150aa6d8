/**
 * On a board's editor, tldraw mounts a shape's React component only once the shape has been in
 * view, and keeps it mounted from then on.
 *
 * tldraw renders a `Shape` component for every shape of the page and hides the off-screen ones
 * with CSS. Opening a 4,000-shape board built, committed and ran the effects of 4,000 of them
 * (~0.5 s of main thread) for shapes nobody sees. The canvas draws what `getRenderingShapes`
 * lists, so for a board's editor that list leaves out the shapes that are culled (off-screen, not
 * selected, not being edited) and have never been shown. Hit-testing, selection, bounds, snapping
 * and export work from geometry and the store, not from this DOM, so they see every shape as
 * before; a shape scrolled into view is mounted on the next render and is never unmounted for
 * leaving the view again (panning back and forth does not rebuild, or reset, a component).
 *
 * Tied to tldraw 5.4.2: `Editor.prototype.getRenderingShapes` feeds the canvas's shape layer
 * (and the indicator overlays, which only draw on-screen shapes anyway). Only editors whose store
 * was registered with {@link mountShapesWhenSeen} change; any other editor is left as it was.
 */
import { computed, Editor, type Computed, type TLRenderingShape, type TLShapeId, type TLStore } from 'tldraw'

const boards = new WeakSet<TLStore>()
const lists = new WeakMap<Editor, Computed<TLRenderingShape[]>>()

const sameEntries = (a: readonly TLRenderingShape[], b: readonly TLRenderingShape[]) =>
  a.length === b.length && a.every((entry, i) => entry === b[i])

/**
 * The entries of `all` (tldraw's rendering list) whose shape is not in `culled` now or was not at
 * some point before, in `all`'s order; the same array while that does not change.
 */
export function seenShapesList(
  all: () => readonly TLRenderingShape[],
  culled: () => ReadonlySet<TLShapeId>
): Computed<TLRenderingShape[]> {
  // Grows only: a shape once shown is listed whenever it is in `all`.
  const seen = new Set<TLShapeId>()
  return computed(
    'rendering shapes seen in view',
    () => {
      const hidden = culled()
      const list: TLRenderingShape[] = []
      for (const entry of all()) {
        if (seen.has(entry.id) || !hidden.has(entry.id)) {
          seen.add(entry.id)
          list.push(entry)
        }
      }
      return list
    },
    { isEqual: sameEntries }
  )
}

let installed = false

function install() {
  if (installed) return
  installed = true
  const allShapes = Editor.prototype.getRenderingShapes
  Editor.prototype.getRenderingShapes = function getRenderingShapes(this: Editor) {
    if (!boards.has(this.store)) return allShapes.call(this)
    let list = lists.get(this)
    if (!list) {
      list = seenShapesList(
        () => allShapes.call(this),
        () => this.getCulledShapes()
      )
      lists.set(this, list)
    }
    return list.get()
  }
}

/** Editors made on `store` mount a shape only once it has been in view. Call before they mount. */
export function mountShapesWhenSeen(store: TLStore) {
  install()
  boards.add(store)
}
