import { MAX_NOTE_LENGTH, type Note } from '@loopboard/protocol'
import { useState, type FormEvent, type KeyboardEvent } from 'react'
import type { Editor, TLShapeId } from 'tldraw'
import { zoomToShape } from '../canvas/zoomToShape.ts'
import { useInterviewStore } from './interviewStore.ts'
import { useCommand } from './useCommand.ts'
import { useDraftSaver } from './useDraftSaver.ts'
import { ErrorText } from './fields.tsx'
import { NoteLine, noteStamp } from './NoteLine.tsx'

/**
 * Private notes: stamped with the session time, optionally tied to the selected shape. The
 * interviewer's own (with the observer's, marked), or the observer's, written for the interviewer.
 */
export function NotesPanel({ editor, observer = false }: { editor: Editor | null; observer?: boolean }) {
  const notes = useInterviewStore((s) => s.notes)
  const commands = useInterviewStore((s) => s.commands)
  // This tab's typing; until it types, the server's draft (from a reload or another tab) shows.
  const [typed, setTyped] = useState<string | null>(null)
  const serverNote = useInterviewStore((s) => s.drafts?.note ?? '')
  const text = typed ?? serverNote
  const saver = useDraftSaver()
  const setText = (next: string) => {
    setTyped(next)
    saver.save({ kind: 'note', text: next })
  }
  const [attach, setAttach] = useState(true)
  const { busy, error, run } = useCommand()

  const submit = async (event?: FormEvent) => {
    event?.preventDefault()
    if (!text.trim()) return
    const shapeId = attach ? (editor?.getSelectedShapeIds()[0] ?? null) : null
    saver.cancel()
    // The server drops the note's draft once the note is written.
    if (await run(() => commands!.addNote(text, shapeId))) setTyped(null)
  }
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) void submit()
  }
  const show = (note: Note) => {
    if (!editor || !note.shapeId) return
    zoomToShape(editor, note.shapeId as TLShapeId)
  }

  return (
    <div className="notes-panel">
      <p className="muted small-print">
        {observer
          ? 'Private: only you and the interviewer can see these notes (never the candidate).'
          : 'Private: only you, the interviewer, can see these notes (and the observer’s, marked as theirs).'}
      </p>
      <form onSubmit={submit}>
        <label htmlFor="note-text">New note</label>
        <textarea
          id="note-text"
          rows={3}
          value={text}
          maxLength={MAX_NOTE_LENGTH}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
          placeholder="What you noticed… (Ctrl+Enter to add)"
        />
        <div className="row">
          <label className="check">
            <input type="checkbox" checked={attach} onChange={(e) => setAttach(e.target.checked)} /> Attach the selected
            shape
          </label>
          <button type="submit" className="primary small" disabled={busy || !text.trim()}>
            Add note
          </button>
        </div>
        <ErrorText error={error} />
      </form>
      <ul className="notes" aria-label={observer ? 'Your notes' : 'Your notes and the observer’s'}>
        {[...notes].reverse().map((note) => (
          <li key={note.id} data-testid="note">
            <button
              type="button"
              className="note"
              onClick={() => show(note)}
              disabled={!note.shapeId}
              title={note.shapeId ? 'Zoom to the shape' : undefined}
            >
              <NoteLine stamp={noteStamp(note)} note={note} />
            </button>
          </li>
        ))}
      </ul>
      {notes.length === 0 ? <p className="muted">No notes yet.</p> : null}
    </div>
  )
}
