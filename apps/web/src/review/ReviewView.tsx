import type { Note } from '@loopboard/protocol'
import { useCallback, useEffect, useMemo, useState } from 'react'
import { react, type Editor, type TLShapeId } from 'tldraw'
import { AudioTracks } from './AudioTracks.tsx'
import { BoardPlayback, type SeekTiming } from './BoardPlayback.ts'
import { createReviewStore } from './boardSync.ts'
import { ExportBar } from './ExportBar.tsx'
import { formatDuration, sessionBounds } from './format.ts'
import { deriveMarkers } from './markers.ts'
import { PhaseChanges } from './PhaseChanges.tsx'
import { derivePhases } from './phases.ts'
import { PlayerBar } from './PlayerBar.tsx'
import { usePlaybackClock, usePlayerKeys } from './playerHooks.ts'
import { createPlayerStore } from './playerStore.ts'
import type { LoadedReview } from './reviewApi.ts'
import { ReviewBoard } from './ReviewBoard.tsx'
import { ScorecardView } from './ScorecardView.tsx'
import { zoomToShape } from '../canvas/zoomToShape.ts'
import { RoundPicker } from './RoundPicker.tsx'
import { EventsList, NotesList } from './SessionLists.tsx'
import { SessionClockContext, sessionClockStart } from './sessionClock.ts'

/** For end-to-end tests: drive the replay and read the board. */
export interface ReviewTestApi {
  /** Go to `ms` since the session start; resolves once the board shows that time. */
  seek(ms: number): Promise<void>
  /** Ids of the shapes on the board at the current time, sorted. */
  shapeIds(): string[]
  /** The current time, ms since the session start. */
  timeMs(): number
}

declare global {
  interface Window {
    loopboardReview?: { seek(ms: number): Promise<void>; shapeIds(): string[]; timeMs(): number }
    /** How long the last board moves took (ms), newest last: for measuring seeks. */
    loopboardReviewTimings?: () => SeekTiming[]
  }
}

const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()))

export function ReviewView({ loaded, roomId, token }: { loaded: LoadedReview; roomId: string; token: string }) {
  const { timeline, review, notes, replayer } = loaded
  const bounds = useMemo(() => sessionBounds(timeline), [timeline])
  const [player] = useState(() => createPlayerStore(bounds.end - bounds.start))
  const [store] = useState(() => createReviewStore())
  const [playback] = useState(() => new BoardPlayback(store, replayer, bounds.start, player))
  const [editor, setEditor] = useState<Editor | null>(null)
  const clockStart = useMemo(() => sessionClockStart(timeline.events, bounds.start), [timeline.events, bounds.start])
  const markers = useMemo(() => deriveMarkers(timeline.events, bounds.start), [timeline.events, bounds.start])
  const spans = useMemo(
    () =>
      derivePhases(
        timeline.events,
        bounds,
        review.prompt?.phases.map((p) => p.title)
      ),
    [timeline.events, bounds, review.prompt]
  )

  usePlaybackClock(player)
  usePlayerKeys(player)

  useEffect(() => {
    playback.attach()
    return () => playback.detach()
  }, [playback])

  // A shape that does not exist at the time shown cannot stay selected.
  useEffect(() => {
    if (!editor) return
    return react('deselect absent shapes', () => {
      const parked = playback.parked.get()
      const selected = editor.getSelectedShapeIds()
      if (selected.some((id) => parked.has(id))) editor.setSelectedShapes(selected.filter((id) => !parked.has(id)))
    })
  }, [editor, playback])

  // Frame the board as it ends, so shapes appear in view as the replay draws them.
  useEffect(() => {
    if (!editor) return
    const { pos, duration } = player.getState()
    playback.syncNow(duration)
    editor.zoomToFit()
    if (editor.getZoomLevel() > 1) editor.resetZoom(editor.getViewportScreenCenter())
    playback.syncNow(pos)
  }, [editor, player, playback])

  const seek = useCallback(
    async (ms: number) => {
      player.getState().seek(ms)
      playback.syncNow()
      await nextFrame()
      await nextFrame()
    },
    [player, playback]
  )

  const isHidden = useCallback((id: string) => playback.isParked(id), [playback])

  const showShape = useCallback(
    (id: string) => {
      const shape = editor?.getShape(id as TLShapeId)
      if (!editor || !shape || editor.isShapeHidden(shape)) return false
      // The review's store is this tab's alone, so selecting here shows nobody else anything.
      if (!zoomToShape(editor, shape.id)) return false
      editor.select(shape.id)
      return true
    },
    [editor]
  )

  const jumpToNote = useCallback(
    async (note: Note) => {
      player.getState().pause()
      await seek(note.createdAt - bounds.start)
      if (note.shapeId) showShape(note.shapeId)
    },
    [player, seek, bounds.start, showShape]
  )

  const atEnd = useCallback(
    async <T,>(fn: () => Promise<T>): Promise<T> => {
      const { pos, duration, pause } = player.getState()
      pause()
      await seek(duration)
      try {
        return await fn()
      } finally {
        await seek(pos)
      }
    },
    [player, seek]
  )

  useEffect(() => {
    const api: ReviewTestApi = {
      seek,
      shapeIds: () =>
        store
          .allRecords()
          .filter((r) => r.typeName === 'shape' && !playback.isParked(r.id))
          .map((r) => r.id)
          .sort(),
      timeMs: () => player.getState().pos,
    }
    const timings = () => [...playback.timings]
    window.loopboardReview = api
    window.loopboardReviewTimings = timings
    return () => {
      if (window.loopboardReview === api) delete window.loopboardReview
      if (window.loopboardReviewTimings === timings) delete window.loopboardReviewTimings
    }
  }, [seek, store, player, playback])

  return (
    <SessionClockContext value={clockStart}>
      <div className="room review">
        <header className="topbar">
          <a className="brand" href="/">
            Loopboard
          </a>
          <h1 className="title">
            Review · {review.title}
            {review.prompt ? <span className="muted"> · {review.prompt.title}</span> : null}
          </h1>
          <RoundPicker round={review.round} rounds={review.rounds} />
          <span className="muted small-print review-length">{formatDuration(bounds.end - bounds.start)}</span>
          <span className="spacer" />
          <ExportBar review={review} roomId={roomId} token={token} editor={editor} atEnd={atEnd} />
        </header>
        <div className="workspace">
          <main className="review-stage">
            <ReviewBoard store={store} isHidden={isHidden} onEditor={setEditor} />
            <PlayerBar player={player} markers={markers} spans={spans} start={bounds.start} />
          </main>
          <aside className="sidebar review-side" aria-label="Session details">
            <details open>
              <summary>
                <h2>What changed in this phase</h2>
              </summary>
              <PhaseChanges replayer={replayer} spans={spans} player={player} start={bounds.start} onShow={showShape} />
            </details>
            <details open>
              <summary>
                <h2>Notes</h2>
              </summary>
              <NotesList notes={notes} onJump={jumpToNote} />
            </details>
            <details open>
              <summary>
                <h2>Scorecard</h2>
              </summary>
              <ScorecardView review={review} />
            </details>
            <details open>
              <summary>
                <h2>Audio</h2>
              </summary>
              <AudioTracks tracks={timeline.audio} token={token} player={player} start={bounds.start} />
            </details>
            <details open>
              <summary>
                <h2>Events</h2>
              </summary>
              <EventsList markers={markers} player={player} start={bounds.start} />
            </details>
          </aside>
        </div>
      </div>
    </SessionClockContext>
  )
}
