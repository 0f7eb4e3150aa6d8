import type { Editor, TLShapeId } from 'tldraw'

/** Never zoom past this when showing a shape: a small sticky note should not fill the screen. */
export const SHOW_SHAPE_MAX_ZOOM = 2 // 200 %
/** Room left around the shape, in screen pixels. */
export const SHOW_SHAPE_INSET_PX = 96
/** How long the shape stays highlighted after being shown. */
export const SHOW_SHAPE_HINT_MS = 1_500

/**
 * Bring a shape into view: fit it with padding, at most {@link SHOW_SHAPE_MAX_ZOOM}, and
 * highlight it briefly. It deliberately does not select the shape: selection is part of the
 * presence every peer sees, and showing a shape to yourself must not change what others see.
 * Hinting is local instance state that never leaves this tab. Returns false when the shape is gone.
 */
export function zoomToShape(editor: Editor, id: TLShapeId): boolean {
  const shape = editor.getShape(id)
  if (!shape) return false
  const pageId = editor.getAncestorPageId(shape)
  if (pageId && pageId !== editor.getCurrentPageId()) editor.setCurrentPage(pageId)
  const bounds = editor.getShapePageBounds(shape)
  if (!bounds) return false
  editor.zoomToBounds(bounds, {
    targetZoom: SHOW_SHAPE_MAX_ZOOM,
    inset: SHOW_SHAPE_INSET_PX,
    animation: { duration: 300 },
  })
  editor.setHintingShapes([id])
  setTimeout(() => {
    if (editor.getHintingShapeIds().includes(id)) editor.setHintingShapes([])
  }, SHOW_SHAPE_HINT_MS)
  return true
}
