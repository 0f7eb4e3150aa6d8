import { getAssetUrlsByImport } from '@tldraw/assets/imports.vite'
import { useEffect } from 'react'
import { Tldraw, type Editor, type TLComponents } from 'tldraw'
import 'tldraw/tldraw.css'
import type { Board } from './createBoard.ts'
import { installLabelMeasurePrefetch, labelMeasureCounts } from './labelMeasurePrefetch.ts'
import { mountShapesWhenSeen } from './mountShapesWhenSeen.ts'
import { PeerCursor } from './PeerCursor.tsx'

/** Fonts, icons and translations come from our own origin: no CDN, works offline. */
const assetUrls = getAssetUrlsByImport()

/**
 * Largest image a participant can drop on the board. Images are stored inline in the
 * board, and the relay refuses frames over 1 MiB by default; base64 adds a third.
 */
const MAX_ASSET_BYTES = 700 * 1024

/** Replaced at build time: a production build has none of the hooks below. */
const TEST_HOOKS = import.meta.env.DEV || import.meta.env.VITE_TEST_HOOKS === '1'

// Before any editor exists: its constructor already measures every label on the page. The tests
// also open boards without it (`?measure=one-by-one`), to compare every shape's geometry.
if (!(TEST_HOOKS && new URLSearchParams(location.search).get('measure') === 'one-by-one')) {
  installLabelMeasurePrefetch()
}
if (TEST_HOOKS) window.loopboardLabelMeasure = labelMeasureCounts

/** Module-level so tldraw sees the same object on every render. */
const components: TLComponents = { CollaboratorCursor: PeerCursor }

/**
 * tldraw refuses new shapes past 4,000 on a page by default; a long interview's board can hold
 * more, and one that cannot take another box is broken for everyone in the room.
 */
const TLDRAW_OPTIONS = { maxShapesPerPage: 10_000 }

declare global {
  interface Window {
    /** The live editor, for debugging from the console and for end-to-end tests. */
    loopboardEditor?: Editor
    /** Test builds: how many label measurements were answered from a batch, and measured alone. */
    loopboardLabelMeasure?: typeof labelMeasureCounts
  }
}

export function BoardCanvas({
  board,
  online,
  onEditor,
}: {
  board: Board
  online: boolean
  onEditor?: (editor: Editor | null) => void
}) {
  // Idempotent, and needed before the editor's first render.
  mountShapesWhenSeen(board.store)
  useEffect(() => {
    board.setOnline(online)
  }, [board, online])
  useEffect(() => () => onEditor?.(null), [onEditor])
  return (
    <Tldraw
      store={board.store}
      user={board.user}
      assetUrls={assetUrls}
      components={components}
      licenseKey={import.meta.env.VITE_TLDRAW_LICENSE_KEY}
      maxAssetSize={MAX_ASSET_BYTES}
      options={TLDRAW_OPTIONS}
      onMount={(editor) => {
        window.loopboardEditor = editor
        onEditor?.(editor)
        return () => {
          if (window.loopboardEditor === editor) delete window.loopboardEditor
        }
      }}
    />
  )
}
