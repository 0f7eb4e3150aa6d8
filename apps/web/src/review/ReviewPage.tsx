import { fromBase64 } from '@loopboard/board-replay'
import { useEffect, useState } from 'react'
import { MessageScreen } from '../room/MessageScreen.tsx'
import type { ReviewLink } from '../room/roomLink.ts'
import { Replayer } from '@loopboard/board-replay'
import { describeError, fetchReview, fetchTimeline, type LoadedReview } from './reviewApi.ts'
import { ReviewView } from './ReviewView.tsx'

/** The round asked for in the page's `?round=<n>`, or null for the latest one the bearer ran. */
function requestedRound(): number | null {
  const raw = new URLSearchParams(window.location.search).get('round')
  return raw && /^\d{1,6}$/.test(raw) ? Number(raw) : null
}

async function load(roomId: string, token: string): Promise<LoadedReview> {
  // The review says which round it is (the default is the server's to pick); the timeline follows it.
  const review = await fetchReview(roomId, token, requestedRound())
  const timeline = await fetchTimeline(roomId, token, review.round)
  const notes = review.notes
  const replayer = new Replayer(timeline.updates.map((u) => ({ ts: u.ts, update: fromBase64(u.update) })))
  return { timeline, review, notes, replayer }
}

type State =
  | { kind: 'loading' }
  | { kind: 'error'; title: string; message: string; retry: boolean }
  | { kind: 'ready'; loaded: LoadedReview }

/** `/r/<roomId>/review#token=<interviewer token>`: replay a session with its audio, notes and scorecard. */
export function ReviewPage({ link }: { link: ReviewLink }) {
  const [state, setState] = useState<State>({ kind: 'loading' })
  const [attempt, setAttempt] = useState(0)

  useEffect(() => {
    const token = link.token
    if (!token) return
    let cancelled = false
    load(link.roomId, token).then(
      (loaded) => {
        if (!cancelled) setState({ kind: 'ready', loaded })
      },
      (error: unknown) => {
        if (!cancelled) setState({ kind: 'error', ...describeError(error) })
      }
    )
    return () => {
      cancelled = true
    }
  }, [link.roomId, link.token, attempt])

  useEffect(() => {
    document.title = state.kind === 'ready' ? `Review: ${state.loaded.review.title} · Loopboard` : 'Review · Loopboard'
  }, [state])

  if (!link.token) {
    return (
      <MessageScreen title="This link has no access token">
        <p>Review links end in #token=… with the interviewer’s token. Copy the whole link and try again.</p>
        <p className="actions">
          <a href="/">Back to Loopboard</a>
        </p>
      </MessageScreen>
    )
  }
  if (state.kind === 'loading') return <MessageScreen title="Loading the session…" busy />
  if (state.kind === 'error') {
    return (
      <MessageScreen title={state.title}>
        <p>{state.message}</p>
        <p className="actions">
          {state.retry ? (
            <button
              type="button"
              className="primary"
              onClick={() => {
                setState({ kind: 'loading' })
                setAttempt((n) => n + 1)
              }}
            >
              Try again
            </button>
          ) : null}
          <a href="/">Back to Loopboard</a>
        </p>
      </MessageScreen>
    )
  }
  return <ReviewView loaded={state.loaded} roomId={link.roomId} token={link.token} />
}
