import { describe, expect, it } from 'vitest'
import { ControlAction } from './interview.ts'
import { Role } from './roles.ts'
import { controlEventType, InterviewStateSchema, TimelineEventSchema, TimelineEventType } from './timeline.ts'
import { InterviewStatus } from './timer.ts'

describe('TimelineEventSchema', () => {
  it('knows every event type and checks the data each carries', () => {
    const who = { userId: 'u1', name: 'Ada', role: Role.Candidate }
    expect(TimelineEventSchema.parse({ ts: 1, type: TimelineEventType.Joined, data: who })).toEqual({
      ts: 1,
      type: 'joined',
      data: who,
    })
    expect(TimelineEventSchema.safeParse({ ts: 1, type: TimelineEventType.Joined, data: {} }).success).toBe(false)
    expect(TimelineEventSchema.safeParse({ ts: 1, type: 'no-such-event', data: {} }).success).toBe(false)
    const note = { ts: 2, type: TimelineEventType.NoteWritten, data: { noteId: 3, shapeId: null } }
    expect(TimelineEventSchema.parse(note)).toEqual(note)
  })

  it('names every phase/timer command’s event', () => {
    for (const action of Object.values(ControlAction)) {
      expect(Object.values(TimelineEventType)).toContain(controlEventType(action))
    }
    expect(controlEventType(ControlAction.NextPhase)).toBe(TimelineEventType.InterviewNextPhase)
  })
})

describe('InterviewStateSchema', () => {
  it('accepts a stored state and refuses one that does not fit', () => {
    const state = {
      round: 1,
      promptId: 'design-spotify',
      status: InterviewStatus.Running,
      phaseIndex: 2,
      phaseElapsedMs: 1_000,
      phaseResumedAt: 5_000,
      sessionStartedAt: 1_000,
      hintsRevealed: 1,
    }
    expect(InterviewStateSchema.parse(state)).toEqual(state)
    expect(InterviewStateSchema.safeParse({ ...state, status: 'exploded' }).success).toBe(false)
    expect(InterviewStateSchema.safeParse({ ...state, round: 0 }).success).toBe(false)
  })
})
