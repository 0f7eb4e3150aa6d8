import { describe, expect, it } from 'vitest'
import { Action, may, refusal } from './permissions.ts'
import { ROLES } from './roles.ts'

/**
 * The whole table, written out seat by seat: I = interviewer, C = candidate, O = observer.
 * A change to who may do what must change this line too.
 */
const EXPECTED: Record<Action, string> = {
  [Action.JoinRoom]: 'ICO',
  [Action.EditBoard]: 'IC',
  [Action.ControlInterview]: 'I',
  [Action.ReadGuidance]: 'I',
  [Action.TakeNotes]: 'I',
  [Action.ShareNotes]: 'O',
  [Action.Score]: 'I',
  [Action.ReadFeedback]: 'IC',
  [Action.Review]: 'I',
  [Action.DeleteRoom]: 'I',
  [Action.ControlRecording]: 'I',
  [Action.ConsentToRecording]: 'ICO',
  [Action.RecordOwnAudio]: 'IC',
  [Action.JoinAudio]: 'ICO',
  [Action.SendAudio]: 'IC',
}

describe('permission table', () => {
  it('covers every action', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.values(Action).sort())
  })

  for (const action of Object.values(Action)) {
    for (const role of ROLES) {
      const allowed = EXPECTED[action].includes(role[0]!.toUpperCase())
      it(`${role} ${allowed ? 'may' : 'may not'} ${action}`, () => {
        expect(may(role, action)).toBe(allowed)
      })
    }
  }

  it('explains a refusal by naming who may', () => {
    expect(refusal('candidate', Action.ControlInterview)).toBe(
      'Only the interviewer can do that (you are the candidate).'
    )
    expect(refusal('observer', Action.EditBoard)).toMatch(/interviewer and the candidate/)
  })
})
