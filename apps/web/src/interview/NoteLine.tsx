import type { Note } from '@loopboard/protocol'

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
