import { Role, TimelineEventType, type ReviewResponse } from '@loopboard/protocol'
import { Hono } from 'hono'
import type { InterviewService } from '../interview/InterviewService.ts'
import { inWindow } from '../interview/rounds.ts'
import type { SeatGuard } from './requireSeat.ts'
import { reviewRound, roomMember, type RoundEnv } from './reviewRound.ts'

/**
 * `GET /api/rooms/:roomId/review?round=<n>`: what the review page shows beside the replay of a
 * round the bearer ran as interviewer (default: the latest) — its prompt (with rubric and
 * phases), the bearer's notes, scorecard and published feedback of that round, and the list of
 * rounds they ran. Anyone else gets 403.
 */
export function reviewRoutes(guard: SeatGuard, interview: InterviewService) {
  const app = new Hono<RoundEnv>()
  app.use('/:roomId/review', roomMember(guard))
  app.get('/:roomId/review', reviewRound(interview), async (c) => {
    const { room, seat } = c.get('auth')
    const window = c.get('round')
    const roomId = room.id
    const state = await interview.state(roomId)
    // The round's prompt: the last one chosen during it (the current round keeps its own state).
    let promptId = window.round === state.round ? state.promptId : null
    if (window.round !== state.round) {
      for (const e of await interview.events(roomId)) {
        if (e.type === TimelineEventType.PromptSet && inWindow(window, e.ts)) promptId = e.data.promptId
      }
    }
    const [notes, prompt, scorecard, feedback] = await Promise.all([
      interview.notesFor(roomId, seat),
      interview.prompt(roomId, promptId),
      interview.scorecard(roomId, seat, window.round),
      interview.feedback(roomId, seat, window.round),
    ])
    return c.json<ReviewResponse>({
      roomId,
      title: room.title,
      round: window.round,
      rounds: c.get('roundsRun'),
      canDelete: seat === Role.Interviewer,
      notes: notes.filter((n) => n.round === window.round),
      prompt,
      scorecard,
      feedback,
    })
  })
  return app
}
