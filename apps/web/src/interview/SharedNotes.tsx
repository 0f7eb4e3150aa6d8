import { useEffect, useRef, useState } from 'react'
import type * as Y from 'yjs'
import { applyTextEdit } from './textDiff.ts'

/** Name of the shared notes Y.Text in the room's doc. */
export const SHARED_NOTES = 'shared-notes'
const LOCAL = Symbol('shared-notes/local')

/**
 * A plain text pane both sides edit together (requirements, estimates, API sketches),
 * bound to a Y.Text in the room's doc. Edits are merged character by character.
 */
export function SharedNotes({ doc, readOnly }: { doc: Y.Doc; readOnly: boolean }) {
  const ytext = doc.getText(SHARED_NOTES)
  const [value, setValue] = useState(() => ytext.toString())
  const area = useRef<HTMLTextAreaElement>(null)

  useEffect(() => {
    const onChange = (_event: Y.YTextEvent, txn: Y.Transaction) => {
      if (txn.origin === LOCAL) return
      const el = area.current
      const next = ytext.toString()
      // Keep the caret where it was relative to the text around it.
      const start = el?.selectionStart ?? 0
      const end = el?.selectionEnd ?? 0
      const before = el?.value ?? ''
      const shift = next.length - before.length
      const caretAfterChange = before.slice(0, start) !== next.slice(0, start)
      setValue(next)
      if (el && document.activeElement === el) {
        requestAnimationFrame(() =>
          el.setSelectionRange(start + (caretAfterChange ? shift : 0), end + (caretAfterChange ? shift : 0))
        )
      }
    }
    ytext.observe(onChange)
    return () => ytext.unobserve(onChange)
  }, [ytext])

  return (
    <div className="shared-notes">
      <p className="muted small-print">
        Shared with everyone in the room{readOnly ? ' (read-only for observers)' : ''}: requirements, estimates, API
        sketches.
      </p>
      <textarea
        ref={area}
        aria-label="Shared notes"
        data-testid="shared-notes"
        value={value}
        readOnly={readOnly}
        spellCheck={false}
        placeholder={readOnly ? '' : 'Requirements…\nEstimates…\nAPI…'}
        onChange={(e) => {
          applyTextEdit(ytext, value, e.target.value, LOCAL)
          setValue(e.target.value)
        }}
      />
    </div>
  )
}
