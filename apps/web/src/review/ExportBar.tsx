import type { ReviewResponse } from '@loopboard/protocol'
import { useEffect, useState } from 'react'
import type { Editor } from 'tldraw'
import { forgetSession } from '../landing/sessions.ts'
import { ApiRequestError } from '../lib/api.ts'
import { scorecardMarkdown } from '../interview/scorecardMarkdown.ts'
import { downloadBlob } from './download.ts'
import { fileSafe } from './format.ts'
import { deleteRoom, fetchArchive } from './reviewApi.ts'
import { reviewRubric } from './ScorecardView.tsx'

/** The feedback to export: what was published, else the scorecard as Markdown; null when neither exists. */
export function feedbackMarkdown(review: ReviewResponse): string | null {
  if (review.feedback?.markdown.trim()) return review.feedback.markdown.trimEnd() + '\n'
  if (!review.scorecard) return null
  return scorecardMarkdown(
    { title: review.prompt?.title ?? review.title, rubric: reviewRubric(review) },
    review.scorecard
  )
}

export interface ExportBarProps {
  review: ReviewResponse
  roomId: string
  token: string
  editor: Editor | null
  /** Show the board at the end of the session while `fn` runs, then come back. */
  atEnd: <T>(fn: () => Promise<T>) => Promise<T>
}

/** Downloads (board as PNG and SVG, feedback, whole archive) and deleting the session. */
export function ExportBar({ review, roomId, token, editor, atEnd }: ExportBarProps) {
  const [busy, setBusy] = useState<string | null>(null)
  const [status, setStatus] = useState<{ text: string; error: boolean } | null>(null)
  const base = `loopboard-${fileSafe(review.title)}`
  const markdown = feedbackMarkdown(review)

  useEffect(() => {
    if (!status || status.error) return
    const timer = setTimeout(() => setStatus(null), 6_000)
    return () => clearTimeout(timer)
  }, [status])

  const run = async (what: string, fn: () => Promise<string | void>) => {
    setBusy(what)
    setStatus(null)
    try {
      const done = await fn()
      if (done) setStatus({ text: done, error: false })
    } catch (error) {
      setStatus({ text: `${what} failed: ${(error as Error).message}`, error: true })
    } finally {
      setBusy(null)
    }
  }

  const exportBoard = (format: 'png' | 'svg') =>
    run(`${format.toUpperCase()} export`, () =>
      atEnd(async () => {
        if (!editor) throw new Error('the board is not ready yet')
        const ids = [...editor.getCurrentPageShapeIds()].filter((id) => !editor.isShapeHidden(id))
        if (ids.length === 0) return 'The board is empty at the end of the session: nothing to export.'
        if (format === 'svg') {
          const result = await editor.getSvgString(ids, { background: true, padding: 32 })
          if (!result) throw new Error('tldraw produced no SVG')
          downloadBlob(new Blob([result.svg], { type: 'image/svg+xml' }), `${base}-board.svg`)
        } else {
          const { blob } = await editor.toImage(ids, { format: 'png', background: true, padding: 32, pixelRatio: 2 })
          downloadBlob(blob, `${base}-board.png`)
        }
        return `Board saved as ${format.toUpperCase()}.`
      })
    )

  const exportMarkdown = () =>
    run('Feedback export', async () => {
      if (!markdown) return
      downloadBlob(new Blob([markdown], { type: 'text/markdown;charset=utf-8' }), `${base}-feedback.md`)
      return review.feedback ? 'Published feedback saved.' : 'Scorecard saved as Markdown.'
    })

  const exportArchive = () =>
    run('Archive download', async () => {
      const { blob, filename } = await fetchArchive(roomId, token, review.round)
      downloadBlob(blob, filename ?? `${base}.zip`)
      return 'Archive saved.'
    })

  const remove = () => {
    const sure = window.confirm(
      `Delete “${review.title}” for good?\n\nThe board and its history, your notes, the scorecard, the feedback and the audio recordings are deleted from the server. Links to the room stop working.`
    )
    if (!sure) return
    return run('Deleting', async () => {
      try {
        await deleteRoom(roomId, token)
      } catch (error) {
        // Already gone: the outcome the interviewer asked for.
        if (!(error instanceof ApiRequestError && error.status === 404)) throw error
      }
      forgetSession(roomId)
      window.location.assign('/')
    })
  }

  return (
    <div className="review-exports" role="group" aria-label="Export and delete">
      <button
        type="button"
        className="small"
        data-testid="export-png"
        aria-label="Download the board at the end of the session as PNG"
        disabled={!!busy || !editor}
        onClick={() => exportBoard('png')}
      >
        PNG
      </button>
      <button
        type="button"
        className="small"
        data-testid="export-svg"
        aria-label="Download the board at the end of the session as SVG"
        disabled={!!busy || !editor}
        onClick={() => exportBoard('svg')}
      >
        SVG
      </button>
      <button
        type="button"
        className="small"
        data-testid="export-md"
        disabled={!!busy || !markdown}
        // A description, not the name: the accessible name stays the visible text (WCAG 2.5.3).
        title={
          !markdown
            ? 'No feedback or scorecard to export yet'
            : review.feedback
              ? 'Download the published feedback as Markdown'
              : 'Download the scorecard as Markdown'
        }
        onClick={exportMarkdown}
      >
        Feedback .md
      </button>
      <button
        type="button"
        className="small"
        data-testid="export-archive"
        title="Download the whole session archive (zip)"
        disabled={!!busy}
        onClick={exportArchive}
      >
        Archive .zip
      </button>
      {review.canDelete ? (
        <button
          type="button"
          className="small danger"
          data-testid="delete-session"
          disabled={!!busy}
          title="Delete this session for good (asks first)"
          onClick={() => void remove()}
        >
          Delete session
        </button>
      ) : null}
      {busy ? (
        <span className="muted small-print" role="status">
          {busy}…
        </span>
      ) : null}
      {status ? (
        <span className={`small-print ${status.error ? 'error' : 'muted'}`} role={status.error ? 'alert' : 'status'}>
          {status.text}
        </span>
      ) : null}
    </div>
  )
}
