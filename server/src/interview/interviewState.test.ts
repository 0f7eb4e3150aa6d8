import { ControlAction, phaseRemainingMs } from '@loopboard/protocol'
import { describe, expect, it } from 'vitest'
import { DomainError } from '../DomainError.ts'
import { applyControl, applyRevealHint, applySetPrompt, initialInterviewState, sessionMs } from './interviewState.ts'

const PHASES = 3

describe('interview state', () => {
  it('runs start → pause → resume → next phase → finish with the clock held in server timestamps', () => {
    let s = applySetPrompt(initialInterviewState(), 'design-spotify', PHASES)
    s = applyControl(s, ControlAction.Start, PHASES, 1_000)
    expect(s).toMatchObject({ status: 'running', phaseIndex: 0, phaseResumedAt: 1_000, sessionStartedAt: 1_000 })
    s = applyControl(s, ControlAction.Pause, PHASES, 61_000)
    expect(s).toMatchObject({ status: 'paused', phaseElapsedMs: 60_000, phaseResumedAt: null })
    expect(phaseRemainingMs(s, 5, 999_999)).toBe(240_000) // frozen while paused
    s = applyControl(s, ControlAction.Resume, PHASES, 500_000)
    expect(phaseRemainingMs(s, 5, 530_000)).toBe(210_000)
    s = applyControl(s, ControlAction.NextPhase, PHASES, 530_000)
    expect(s).toMatchObject({ phaseIndex: 1, phaseElapsedMs: 0, phaseResumedAt: 530_000 })
    s = applyControl(s, ControlAction.NextPhase, PHASES, 540_000)
    expect(() => applyControl(s, ControlAction.NextPhase, PHASES, 550_000)).toThrow(DomainError)
    s = applyControl(s, ControlAction.Finish, PHASES, 560_000)
    expect(s).toMatchObject({ status: 'finished', phaseElapsedMs: 20_000, phaseResumedAt: null })
    expect(sessionMs(s, 601_000)).toBe(600_000)
  })

  it('a phase change while paused keeps the new phase paused at zero', () => {
    let s = applySetPrompt(initialInterviewState(), 'p', PHASES)
    s = applyControl(s, ControlAction.Start, PHASES, 0)
    s = applyControl(s, ControlAction.Pause, PHASES, 10_000)
    s = applyControl(s, ControlAction.NextPhase, PHASES, 20_000)
    expect(s).toMatchObject({ status: 'paused', phaseIndex: 1, phaseElapsedMs: 0, phaseResumedAt: null })
    s = applyControl(s, ControlAction.PreviousPhase, PHASES, 30_000)
    expect(s.phaseIndex).toBe(0)
  })

  it('refuses commands that do not fit, with a message for the interviewer', () => {
    const fresh = initialInterviewState()
    expect(() => applyControl(fresh, ControlAction.Start, PHASES, 0)).toThrow('Choose a prompt before starting.')
    const ready = applySetPrompt(fresh, 'p', PHASES)
    expect(() => applyControl(ready, ControlAction.Pause, PHASES, 0)).toThrow(DomainError)
    expect(() => applyControl(ready, ControlAction.Resume, PHASES, 0)).toThrow(DomainError)
    expect(() => applyControl(ready, ControlAction.NextPhase, PHASES, 0)).toThrow('Start the interview first.')
    const started = applyControl(ready, ControlAction.Start, PHASES, 0)
    expect(() => applyControl(started, ControlAction.Start, PHASES, 1)).toThrow('already started')
    expect(() => applyControl(started, ControlAction.PreviousPhase, PHASES, 1)).toThrow('first phase')
    expect(sessionMs(fresh, 5)).toBeNull()
  })

  it('reveals hints one at a time up to the last, and a new prompt starts from none', () => {
    let s = applySetPrompt(initialInterviewState(), 'a', PHASES)
    expect(() => applyRevealHint(initialInterviewState(), 3)).toThrow('Choose a prompt first.')
    s = applyRevealHint(applyRevealHint(s, 2), 2)
    expect(s.hintsRevealed).toBe(2)
    expect(() => applyRevealHint(s, 2)).toThrow('Every hint is already revealed.')
    const other = applySetPrompt({ ...s, phaseIndex: 4 }, 'b', 3)
    expect(other).toMatchObject({ promptId: 'b', hintsRevealed: 0, phaseIndex: 2 })
    expect(applySetPrompt(s, 'a', PHASES)).toBe(s)
  })
})
