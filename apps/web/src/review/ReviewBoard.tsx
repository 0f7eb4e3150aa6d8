import { getAssetUrlsByImport } from '@tldraw/assets/imports.vite'
import { Tldraw, type Editor, type TLComponents, type TLStore } from 'tldraw'
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
export function ReviewBoard({ store, onEditor }: { store: TLStore; onEditor: (editor: Editor | null) => void }) {
  return (
    <div className="canvas review-board" data-testid="review-board" aria-label="The board at the current time">
      <Tldraw
        store={store}
        assetUrls={assetUrls}
        licenseKey={import.meta.env.VITE_TLDRAW_LICENSE_KEY}
        components={COMPONENTS}
        autoFocus={false}
        onMount={(editor) => {
          editor.updateInstanceState({ isReadonly: true })
          onEditor(editor)
          return () => onEditor(null)
        }}
      />
    </div>
  )
}
