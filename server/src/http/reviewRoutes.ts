import { Action, type ReviewResponse } from '@loopboard/protocol'
import { Hono } from 'hono'
import type { InterviewService } from '../interview/InterviewService.ts'
import type { SeatEnv, SeatGuard } from './requireSeat.ts'

/**
 * `GET /api/rooms/:roomId/review` with the interviewer's token: what the review page shows beside
 * the replay — the prompt (with its rubric and phases), the interviewer's scorecard and published
 * feedback for the current round. Other roles get 403.
 */
export function reviewRoutes(guard: SeatGuard, interview: InterviewService) {
  const app = new Hono<SeatEnv>()
  app.get('/:roomId/review', guard(Action.Review, 'Only the interviewer can review the session.'), (c) => {
    const auth = c.get('auth')
    const roomId = auth.room.id
    const state = interview.state(roomId)
    return c.json<ReviewResponse>({
      roomId,
      title: auth.room.title,
      round: state.round,
      prompt: interview.prompt(roomId, state.promptId),
      scorecard: interview.scorecard(roomId, auth.seat),
      feedback: interview.feedback(roomId, auth.seat),
    })
  })
  return app
}
