import { formatElapsed, type Note } from '@loopboard/protocol'

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
        <span className="shape-link" aria-label="attached to a shape">
          ◆
        </span>
      ) : null}
      <span className="text">{note.text}</span>
    </>
  )
}
