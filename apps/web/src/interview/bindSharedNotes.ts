import { defaultKeymap, indentWithTab } from '@codemirror/commands'
import { EditorState } from '@codemirror/state'
import { EditorView, keymap, placeholder } from '@codemirror/view'
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next'
import type { Awareness } from 'y-protocols/awareness'
import * as Y from 'yjs'

export interface SharedNotesBinding {
  view: EditorView
  destroy(): void
}

export interface BindSharedNotesOptions {
  parent: HTMLElement
  ytext: Y.Text
  /** Carries this tab's caret and selection to the others and theirs to this editor. */
  awareness: Awareness
  readOnly: boolean
  placeholderText?: string
  /** Accessible name of the editable area. */
  label: string
}

/**
 * A CodeMirror 6 editor bound to a Y.Text: edits merge character by character (so two
 * people typing in different places never garble each other and a remote insert does not
 * move the local caret), remote carets and selections show with the peer's name and colour
 * from awareness, and undo is a Y.UndoManager tracking only this tab's edits.
 */
export function bindSharedNotes({
  parent,
  ytext,
  awareness,
  readOnly,
  placeholderText = '',
  label,
}: BindSharedNotesOptions): SharedNotesBinding {
  const undoManager = new Y.UndoManager(ytext)
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: ytext.toString(),
      extensions: [
        // The undo keymap comes first so Mod-z reaches the Y.UndoManager, not a local history.
        keymap.of([...yUndoManagerKeymap, ...defaultKeymap, indentWithTab]),
        yCollab(ytext, awareness, { undoManager }),
        EditorView.lineWrapping,
        EditorState.readOnly.of(readOnly),
        EditorView.editable.of(!readOnly),
        EditorView.contentAttributes.of({ 'aria-label': label, 'aria-multiline': 'true', spellcheck: 'false' }),
        placeholder(placeholderText),
      ],
    }),
  })
  return {
    view,
    destroy() {
      view.destroy()
      undoManager.destroy()
      // Our caret must not linger in the others' editors once this pane is gone.
      if (awareness.getLocalState()?.cursor != null) awareness.setLocalStateField('cursor', null)
    },
  }
}
