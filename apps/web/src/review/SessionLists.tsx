import type { Note } from '@loopboard/protocol'
import { memo } from 'react'
import { useStore } from 'zustand'
import type { Marker } from './markers.ts'
import type { PlayerStore } from './playerStore.ts'
import { NoteLine, noteStamp } from '../interview/NoteLine.tsx'
import { useSessionClock } from './sessionClock.ts'

/** The interviewer's notes, oldest first; each jumps to its moment (and its shape, if any). */
export const NotesList = memo(function NotesList({
  notes,
  onJump,
}: {
  notes: readonly Note[]
  onJump: (note: Note) => void
}) {
  if (notes.length === 0) return <p className="muted">No notes were written in this session.</p>
  const sorted = [...notes].sort((a, b) => a.createdAt - b.createdAt)
  return (
    <ul className="review-list notes" aria-label="Your notes">
      {sorted.map((note) => {
        // The note's own session time, exactly as the room stamped it.
        const at = noteStamp(note)
        return (
          <li key={note.id}>
            <button
              type="button"
              className="note"
              data-testid="review-note"
              data-shape-id={note.shapeId ?? undefined}
              onClick={() => onJump(note)}
              aria-label={`${at}: ${note.text}${note.shapeId ? ' (go to its moment and shape)' : ' (go to its moment)'}`}
              title={note.shapeId ? 'Go to this moment and show the shape' : 'Go to this moment'}
            >
              <NoteLine stamp={at} note={note} />
            </button>
          </li>
        )
      })}
    </ul>
  )
})

/** Index of the last marker at or before `pos`. */
function lastPassed(markers: readonly Marker[], pos: number): number {
  let lo = 0
  let hi = markers.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (markers[mid]!.offset <= pos) lo = mid + 1
    else hi = mid
  }
  return lo - 1
}

/** Every event of the session; the latest one passed is highlighted. Each seeks to its moment. */
export function EventsList({
  markers,
  player,
  start,
}: {
  markers: readonly Marker[]
  player: PlayerStore
  /** Server time of the replay's first moment. */
  start: number
}) {
  const clock = useSessionClock()
  const current = useStore(player, (s) => lastPassed(markers, s.pos))
  if (markers.length === 0) return <p className="muted">No events were recorded.</p>
  return (
    <ol className="review-list review-events" aria-label="Session events">
      {markers.map((marker, i) => (
        <li key={marker.key} className={i === current ? 'current' : i < current ? 'past' : undefined}>
          <button
            type="button"
            className="review-event"
            data-testid="review-event"
            aria-current={i === current ? 'time' : undefined}
            onClick={() => player.getState().seek(marker.offset)}
          >
            <span className={`dot marker-${marker.kind}`} aria-hidden="true" />
            <span className="stamp">{clock(start + marker.offset)}</span>
            <span className="text">{marker.label}</span>
          </button>
        </li>
      ))}
    </ol>
  )
}
