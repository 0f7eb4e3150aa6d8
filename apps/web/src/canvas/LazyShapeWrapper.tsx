import { forwardRef, useRef, type Ref } from 'react'
import { DefaultShapeWrapper, useEditor, useValue, type TLShapeWrapperProps } from 'tldraw'

/**
 * tldraw's shape wrapper, except that a shape's own component is first rendered when the shape
 * comes into view, and stays rendered from then on.
 *
 * tldraw mounts every shape of the page and hides the off-screen ones with CSS. On a 4,000-shape
 * board that is thousands of React components built, committed and laid out before the first
 * rectangle can be drawn, for shapes nobody sees. The wrapper itself always renders, so tldraw
 * still positions it, registers it for culling and keeps hit-testing, selection and export (which
 * work from geometry, not from this DOM) unchanged. Once mounted a shape stays mounted: panning
 * back and forth never remounts (and never resets) a component.
 */
export const LazyShapeWrapper = forwardRef(function LazyShapeWrapper(
  { children, ...props }: TLShapeWrapperProps,
  ref: Ref<HTMLDivElement>
) {
  const editor = useEditor()
  const shown = useRef(false)
  const id = props.shape.id
  // Once shown, the getter no longer reads the culled set, so it stops re-running on camera moves.
  const visible = useValue('shape in view', () => shown.current || !editor.getCulledShapes().has(id), [editor, id])
  if (visible) shown.current = true
  return (
    <DefaultShapeWrapper ref={ref} {...props}>
      {visible ? children : null}
    </DefaultShapeWrapper>
  )
})
