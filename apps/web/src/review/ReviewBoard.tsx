import { getAssetUrlsByImport } from '@tldraw/assets/imports.vite'
import { useCallback } from 'react'
import { Tldraw, type Editor, type TLComponents, type TLShape, type TLStore } from 'tldraw'
import 'tldraw/tldraw.css'

/** Fonts, icons and translations from our own origin, as on the live board. */
const assetUrls = getAssetUrlsByImport()

/** No editing UI: only the zoom controls and minimap (and what tldraw needs for accessibility). */
const COMPONENTS: TLComponents = {
  ContextMenu: null,
  ActionsMenu: null,
  HelpMenu: null,
  MainMenu: null,
  StylePanel: null,
  PageMenu: null,
  Toolbar: null,
  RichTextToolbar: null,
  ImageToolbar: null,
  VideoToolbar: null,
  KeyboardShortcutsDialog: null,
  QuickActions: null,
  HelperButtons: null,
  DebugPanel: null,
  DebugMenu: null,
  MenuPanel: null,
  TopPanel: null,
  SharePanel: null,
  CursorChatBubble: null,
  PeopleMenu: null,
  UserPresenceEditor: null,
}

/** The replayed board: a read-only tldraw canvas over the review store (pan and zoom only). */
export function ReviewBoard({
  store,
  isHidden,
  onEditor,
}: {
  store: TLStore
  /** Shapes in the store that do not exist at the time shown (read reactively by tldraw). */
  isHidden: (id: string) => boolean
  onEditor: (editor: Editor | null) => void
}) {
  // Stable: tldraw makes a new editor whenever this function changes.
  const getShapeVisibility = useCallback(
    (shape: TLShape) => (isHidden(shape.id) ? ('hidden' as const) : ('inherit' as const)),
    [isHidden]
  )
  return (
    <div className="canvas review-board" data-testid="review-board" aria-label="The board at the current time">
      <Tldraw
        store={store}
        assetUrls={assetUrls}
        licenseKey={import.meta.env.VITE_TLDRAW_LICENSE_KEY}
        components={COMPONENTS}
        autoFocus={false}
        getShapeVisibility={getShapeVisibility}
        onMount={(editor) => {
          editor.updateInstanceState({ isReadonly: true })
          // As on the live board: the editor, for debugging from the console and for tests.
          window.loopboardEditor = editor
          onEditor(editor)
          return () => {
            if (window.loopboardEditor === editor) delete window.loopboardEditor
            onEditor(null)
          }
        }}
      />
    </div>
  )
}
