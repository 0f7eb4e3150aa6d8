import { useEffect, useRef } from 'react'
import type { Awareness } from 'y-protocols/awareness'
import type * as Y from 'yjs'
import { bindSharedNotes } from './bindSharedNotes.ts'

/** Name of the shared notes Y.Text in the room's doc. */
export const SHARED_NOTES = 'shared-notes'

/**
 * A plain text pane both sides edit together (requirements, estimates, API sketches),
 * bound to a Y.Text in the room's doc through CodeMirror and y-codemirror.next.
 */
export function SharedNotes({ doc, awareness, readOnly }: { doc: Y.Doc; awareness: Awareness; readOnly: boolean }) {
  const host = useRef<HTMLDivElement>(null)

  useEffect(() => {
    const parent = host.current
    if (!parent) return
    const binding = bindSharedNotes({
      parent,
      ytext: doc.getText(SHARED_NOTES),
      awareness,
      readOnly,
      label: 'Shared notes',
      placeholderText: readOnly ? '' : 'Requirements…\nEstimates…\nAPI…',
    })
    // Tests and the page objects find the editor by its root element.
    binding.view.dom.dataset.testid = 'shared-notes'
    return () => binding.destroy()
  }, [doc, awareness, readOnly])

  return (
    <div className="shared-notes">
      <p className="muted small-print">
        Shared with everyone in the room{readOnly ? ' (read-only for observers)' : ''}: requirements, estimates, API
        sketches.
      </p>
      <div ref={host} className="shared-notes-host" />
    </div>
  )
}
