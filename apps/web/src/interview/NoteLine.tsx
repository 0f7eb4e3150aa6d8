import { formatElapsed, type Note } from '@loopboard/protocol'
import { Shapes } from 'lucide-react'

/** A note's time on the session clock, the same in the room and the review. */
export function noteStamp(note: Pick<Note, 'sessionMs'>): string {
  return note.sessionMs === null ? 'before start' : formatElapsed(note.sessionMs)
}

/** A note as one line: its session-time stamp, whose it is if not yours, a mark when tied to a shape, its text. */
export function NoteLine({ stamp, note }: { stamp: string; note: Pick<Note, 'shapeId' | 'text' | 'author'> }) {
  return (
    <>
      <span className="stamp">{stamp}</span>
      {note.author === 'observer' ? (
        <span className="badge muted note-author" data-testid="note-author">
          Observer
        </span>
      ) : null}
      {note.shapeId ? (
        <span className="shape-link" title="attached to a shape">
          <Shapes size={12} aria-hidden="true" />
          <span className="sr-only">attached to a shape</span>
        </span>
      ) : null}
      <span className="text">{note.text}</span>
    </>
  )
}
