import { Role, TimelineEventType } from '@loopboard/protocol'
import { describe, expect, it } from 'vitest'
import { inWindow, interviewerSeatOfRound, roundsRunBy, roundWindow } from './rounds.ts'

describe('rounds', () => {
  it('gives odd rounds to the interviewer seat and even rounds to the candidate seat', () => {
    expect([1, 2, 3, 4].map(interviewerSeatOfRound)).toEqual([
      Role.Interviewer,
      Role.Candidate,
      Role.Interviewer,
      Role.Candidate,
    ])
    expect(roundsRunBy(Role.Interviewer, 3)).toEqual([1, 3])
    expect(roundsRunBy(Role.Candidate, 3)).toEqual([2])
    expect(roundsRunBy(Role.Candidate, 1)).toEqual([])
    expect(roundsRunBy(Role.Observer, 5)).toEqual([])
  })

  it('windows each round between the swaps that start and end it', () => {
    const events = [
      { ts: 100, type: TimelineEventType.Joined, data: {} },
      { ts: 500, type: TimelineEventType.RolesSwapped, data: { round: 2 } },
      { ts: 900, type: TimelineEventType.RolesSwapped, data: { round: 3 } },
    ]
    expect(roundWindow(events, 1)).toEqual({ round: 1, start: 0, end: 500 })
    expect(roundWindow(events, 2)).toEqual({ round: 2, start: 500, end: 900 })
    expect(roundWindow(events, 3)).toEqual({ round: 3, start: 900, end: null })
    expect(inWindow(roundWindow(events, 1), 499)).toBe(true)
    expect(inWindow(roundWindow(events, 1), 500)).toBe(false)
    expect(inWindow(roundWindow(events, 2), 500)).toBe(true)
  })
})
