import { DEFAULT_RECORDS_MAP } from '@loopboard/tldraw-yjs'
import { useEffect, useState } from 'react'
import { useStore } from 'zustand'
import { useSessionClock } from './sessionClock.ts'
import { phaseAt, type PhaseSpan } from './phases.ts'
import type { PlayerStore } from './playerStore.ts'
import type { BoardHistory } from './BoardHistory.ts'
import { describeFields, diffShapes, type RecordsById, type ShapeChange, type ShapeDiff } from './recordDiff.ts'

/** Items shown per list before "Show all". */
const LIST_LIMIT = 12

function recordsAt(replayer: BoardHistory, t: number): RecordsById {
  const doc = replayer.docAt(t)
  const records = doc.getMap(DEFAULT_RECORDS_MAP).toJSON() as RecordsById
  doc.destroy()
  return records
}

/** The board just before a span began against the board at its end (the session end for the last). */
export function spanDiff(replayer: BoardHistory, span: PhaseSpan, last: boolean): ShapeDiff {
  return diffShapes(recordsAt(replayer, span.start - 1), recordsAt(replayer, last ? span.end : span.end - 1))
}

function Changes({
  title,
  items,
  onShow,
}: {
  title: string
  items: readonly ShapeChange[]
  onShow?: (id: string) => void
}) {
  const [expanded, setExpanded] = useState(false)
  if (items.length === 0) return null
  const shown = expanded ? items : items.slice(0, LIST_LIMIT)
  return (
    <>
      <h3>
        {title} ({items.length})
      </h3>
      <ul className="review-list review-change-list">
        {shown.map((item) => {
          const body = (
            <>
              <span className="tag">{item.type}</span>
              <span className="text">{item.label ?? <span className="muted">no text</span>}</span>
              {item.fields ? <span className="muted small-print"> · {describeFields(item.fields)}</span> : null}
            </>
          )
          return (
            <li key={item.id} data-shape-id={item.id}>
              {onShow ? (
                <button
                  type="button"
                  className="review-change"
                  onClick={() => onShow(item.id)}
                  title="Show this shape on the board"
                >
                  {body}
                </button>
              ) : (
                <span className="review-change">{body}</span>
              )}
            </li>
          )
        })}
      </ul>
      {items.length > LIST_LIMIT ? (
        <button
          type="button"
          className="small link-button"
          aria-expanded={expanded}
          onClick={() => setExpanded(!expanded)}
        >
          {expanded ? 'Show fewer' : `Show all ${items.length}`}
        </button>
      ) : null}
    </>
  )
}

/** What changed on the board in the phase holding the current time: shapes added, changed, removed. */
export function PhaseChanges({
  replayer,
  spans,
  player,
  start,
  onShow,
}: {
  replayer: BoardHistory
  spans: readonly PhaseSpan[]
  player: PlayerStore
  start: number
  onShow: (shapeId: string) => void
}) {
  const clock = useSessionClock()
  const spanKey = useStore(player, (s) => phaseAt(spans, start + s.pos)?.key ?? null)
  const span = spans.find((s) => s.key === spanKey) ?? null
  const [diffs, setDiffs] = useState<Record<string, ShapeDiff>>({})
  const diff = span ? diffs[span.key] : undefined

  useEffect(() => {
    if (!span || diff) return
    // Off the seek's own frame: the board moves first, the list follows.
    const timer = setTimeout(() => {
      const computed = spanDiff(replayer, span, span === spans[spans.length - 1])
      setDiffs((d) => ({ ...d, [span.key]: computed }))
    }, 30)
    return () => clearTimeout(timer)
  }, [replayer, span, spans, diff])

  return (
    <div className="review-changes" data-testid="review-changes" aria-live="polite" aria-busy={!diff}>
      {span ? (
        <p className="review-phase">
          <strong>{span.label}</strong>{' '}
          <span className="muted">
            {clock(span.start)}–{clock(span.end)}
          </span>
        </p>
      ) : null}
      {!diff ? <p className="muted">Comparing the board…</p> : null}
      {diff && !diff.added.length && !diff.changed.length && !diff.removed.length ? (
        <p className="muted">The board did not change in this part of the session.</p>
      ) : null}
      {diff ? (
        <>
          <Changes title="Added" items={diff.added} onShow={onShow} />
          <Changes title="Changed" items={diff.changed} onShow={onShow} />
          <Changes title="Removed" items={diff.removed} />
        </>
      ) : null}
    </div>
  )
}
