import { ApiErrorCode, Role, type ReviewResponse } from '@loopboard/protocol'
import { Hono } from 'hono'
import type { InterviewService } from '../interview/InterviewService.ts'
import type { RoomService } from '../rooms/RoomService.ts'
import { apiError, bearerToken } from './errors.ts'

/**
 * `GET /api/rooms/:roomId/review` with the interviewer's token: what the review page shows beside
 * the replay — the prompt (with its rubric and phases), the interviewer's scorecard and published
 * feedback for the current round. Other roles get 403.
 */
export function reviewRoutes(rooms: RoomService, interview: InterviewService) {
  const app = new Hono()
  app.get('/:roomId/review', (c) => {
    const auth = rooms.authenticate(c.req.param('roomId'), bearerToken(c))
    if (!auth.ok) return apiError(c, auth.status, auth.code, auth.message)
    if (auth.role !== Role.Interviewer) {
      return apiError(c, 403, ApiErrorCode.Forbidden, 'Only the interviewer can review the session.')
    }
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
