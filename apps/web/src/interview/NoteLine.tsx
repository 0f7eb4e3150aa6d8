import { formatElapsed, type Note } from '@loopboard/protocol'
import { Shapes } from 'lucide-react'

/** A note's time on the session clock, the same in the room and the review. */
export function noteStamp(note: Pick<Note, 'sessionMs'>): string {
  return note.sessionMs === null ? 'before start' : formatElapsed(note.sessionMs)
}

/** A note as one line: its session-time stamp, a mark when it is tied to a shape, its text. */
export function NoteLine({ stamp, note }: { stamp: string; note: Pick<Note, 'shapeId' | 'text'> }) {
  return (
    <>
      <span className="stamp">{stamp}</span>
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
