import { Action, ApiErrorCode } from '@loopboard/protocol'
import type { MiddlewareHandler } from 'hono'
import type { InterviewService } from '../interview/InterviewService.ts'
import { roundsRunBy, roundWindow, type RoundWindow } from '../interview/rounds.ts'
import { apiError } from './errors.ts'
import type { Authed, SeatGuard } from './requireSeat.ts'

/** Routes behind {@link reviewRound} read the round under review from `c.get('round')`. */
export interface RoundEnv {
  Variables: { auth: Authed; round: RoundWindow; roundsRun: number[] }
}

const ROUND_PARAM = /^\d{1,6}$/

/**
 * A round's review (board history, audio, notes, scorecard, archive) belongs to the seat that ran
 * it as interviewer, whatever role that seat plays now: the bearer must hold a link of the room
 * (any seat) and have run the round asked for in `?round=<n>` (default: the latest they ran).
 * Anyone else gets 403, so after a swap neither side reaches the other's round. Runs after
 * {@link roomMember} has authenticated the bearer.
 */
export function reviewRound(interview: InterviewService): MiddlewareHandler<RoundEnv> {
  return async (c, next) => {
    const auth = c.get('auth')
    const latest = (await interview.state(auth.room.id)).round
    const ran = roundsRunBy(auth.seat, latest)
    const raw = c.req.query('round')
    if (raw !== undefined && !ROUND_PARAM.test(raw)) {
      return apiError(c, 400, ApiErrorCode.BadRequest, '`round` must be a round number (1, 2, …).')
    }
    if (ran.length === 0) {
      return apiError(c, 403, ApiErrorCode.Forbidden, 'Only the interviewer of a round can review it.')
    }
    const round = raw === undefined ? ran[ran.length - 1]! : Number(raw)
    if (!ran.includes(round)) {
      return apiError(
        c,
        403,
        ApiErrorCode.Forbidden,
        `Round ${round} is not one you ran: only its interviewer can review it.`
      )
    }
    c.set('round', roundWindow(await interview.events(auth.room.id), round))
    c.set('roundsRun', ran)
    await next()
  }
}

/** Any seat of the room gets past this; {@link reviewRound} then decides by round. */
export const roomMember = (guard: SeatGuard) => guard(Action.JoinRoom)
