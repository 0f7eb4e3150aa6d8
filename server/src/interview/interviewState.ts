import { ControlAction, InterviewStatus, phaseElapsedMs, type InterviewState } from '@loopboard/protocol'
import { DomainError, Refusal } from '../DomainError.ts'

/** The interview of one room: which prompt, which phase, the clock, how many hints are out. */
export type { InterviewState }

export function initialInterviewState(round = 1): InterviewState {
  return {
    round,
    promptId: null,
    status: InterviewStatus.NotStarted,
    phaseIndex: 0,
    phaseElapsedMs: 0,
    phaseResumedAt: null,
    sessionStartedAt: null,
    hintsRevealed: 0,
  }
}

/** A command that does not fit the interview's current state. */
const notNow = (message: string) => new DomainError(Refusal.Conflict, message)

/** Freeze the running clock into `phaseElapsedMs`. */
function settle(state: InterviewState, now: number): InterviewState {
  return { ...state, phaseElapsedMs: phaseElapsedMs(state, now), phaseResumedAt: null }
}

/** Move to `phaseIndex` with a fresh phase clock that runs if the interview is running. */
function enterPhase(state: InterviewState, phaseIndex: number, now: number): InterviewState {
  const running = state.status === InterviewStatus.Running
  return { ...state, phaseIndex, phaseElapsedMs: 0, phaseResumedAt: running ? now : null }
}

/**
 * Apply a phase/timer command. Pure: the server passes its clock in. Throws
 * a {@link DomainError} when the command does not fit the current state.
 */
export function applyControl(
  state: InterviewState,
  action: ControlAction,
  phaseCount: number,
  now: number
): InterviewState {
  const { status } = state
  const live = status === InterviewStatus.Running || status === InterviewStatus.Paused
  switch (action) {
    case ControlAction.Start:
      if (!state.promptId) throw notNow('Choose a prompt before starting.')
      if (status !== InterviewStatus.NotStarted) throw notNow('The interview has already started.')
      return {
        ...state,
        status: InterviewStatus.Running,
        sessionStartedAt: now,
        phaseIndex: 0,
        phaseElapsedMs: 0,
        phaseResumedAt: now,
      }
    case ControlAction.Pause:
      if (status !== InterviewStatus.Running) throw notNow('The interview is not running.')
      return { ...settle(state, now), status: InterviewStatus.Paused }
    case ControlAction.Resume:
      if (status !== InterviewStatus.Paused) throw notNow('The interview is not paused.')
      return { ...state, status: InterviewStatus.Running, phaseResumedAt: now }
    case ControlAction.NextPhase:
      if (!live) throw notNow('Start the interview first.')
      if (state.phaseIndex >= phaseCount - 1) throw notNow('This is the last phase; finish the interview instead.')
      return enterPhase(state, state.phaseIndex + 1, now)
    case ControlAction.PreviousPhase:
      if (!live) throw notNow('Start the interview first.')
      if (state.phaseIndex === 0) throw notNow('This is the first phase.')
      return enterPhase(state, state.phaseIndex - 1, now)
    case ControlAction.Finish:
      if (!live) throw notNow('The interview is not running.')
      return { ...settle(state, now), status: InterviewStatus.Finished }
  }
}

/** Choose a prompt, before or during the session. A new prompt starts its hints from none. */
export function applySetPrompt(state: InterviewState, promptId: string, phaseCount: number): InterviewState {
  if (state.promptId === promptId) return state
  return { ...state, promptId, hintsRevealed: 0, phaseIndex: Math.min(state.phaseIndex, phaseCount - 1) }
}

export function applyRevealHint(state: InterviewState, hintCount: number): InterviewState {
  if (!state.promptId) throw notNow('Choose a prompt first.')
  if (state.hintsRevealed >= hintCount) throw notNow('Every hint is already revealed.')
  return { ...state, hintsRevealed: state.hintsRevealed + 1 }
}

/** Time since the session started, for stamping notes; null before the start. */
export function sessionMs(state: InterviewState, now: number): number | null {
  return state.sessionStartedAt === null ? null : Math.max(0, now - state.sessionStartedAt)
}
