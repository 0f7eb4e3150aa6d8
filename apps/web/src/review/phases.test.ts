import type { AnyTimelineEvent } from '@loopboard/protocol'
import { describe, expect, it } from 'vitest'
import { derivePhases, phaseAt } from './phases.ts'

const ev = (ts: number, type: string, data: Record<string, unknown> = {}): AnyTimelineEvent => ({ ts, type, data })

describe('derivePhases', () => {
  const events = [
    ev(100, 'joined', { name: 'Ada', role: 'interviewer' }),
    ev(1_000, 'interview-start', { phaseIndex: 0, phase: 'Requirements' }),
    ev(2_000, 'interview-pause', { phaseIndex: 0 }),
    ev(2_500, 'interview-resume', { phaseIndex: 0 }),
    ev(3_000, 'interview-next-phase', { phaseIndex: 1, phase: 'High-level design' }),
    ev(5_000, 'interview-previous-phase', { phaseIndex: 0, phase: 'Requirements' }),
    ev(6_000, 'interview-next-phase', { phaseIndex: 1 }),
    ev(8_000, 'interview-finish', { phaseIndex: 1 }),
  ]

  it('covers the session with the phases the events open and close', () => {
    const spans = derivePhases(events, { start: 0, end: 9_000 }, ['Requirements', 'Design from prompt'])
    expect(spans.map((s) => [s.label, s.phaseIndex, s.start, s.end])).toEqual([
      ['Before the interview', null, 0, 1_000],
      ['1. Requirements', 0, 1_000, 3_000],
      ['2. High-level design', 1, 3_000, 5_000],
      ['1. Requirements', 0, 5_000, 6_000],
      ['2. Design from prompt', 1, 6_000, 8_000],
      ['After the interview', null, 8_000, 9_000],
    ])
  })

  it('drops empty spans and runs the last phase to the end when not finished', () => {
    const spans = derivePhases([ev(0, 'interview-start', { phaseIndex: 0 })], { start: 0, end: 4_000 })
    expect(spans.map((s) => [s.label, s.start, s.end])).toEqual([['1. Phase 1', 0, 4_000]])
  })

  it('starts a new round on a role swap', () => {
    const spans = derivePhases(
      [...events, ev(8_500, 'roles-swapped', { round: 2 }), ev(8_700, 'interview-start', { phaseIndex: 0 })],
      { start: 0, end: 9_000 },
      ['Requirements']
    )
    expect(spans.slice(-3).map((s) => [s.label, s.round, s.start, s.end])).toEqual([
      ['After the interview', 1, 8_000, 8_500],
      ['Round 2 · Before the interview', 2, 8_500, 8_700],
      ['Round 2 · 1. Requirements', 2, 8_700, 9_000],
    ])
  })

  it('gives one span for a session without interview events', () => {
    expect(derivePhases([], { start: 5, end: 50 })).toMatchObject([
      { label: 'Before the interview', start: 5, end: 50 },
    ])
  })
})

describe('phaseAt', () => {
  const spans = derivePhases(
    [ev(1_000, 'interview-start', { phaseIndex: 0 }), ev(3_000, 'interview-next-phase', { phaseIndex: 1 })],
    { start: 0, end: 5_000 }
  )
  it('finds the span holding a time, clamping outside the session', () => {
    expect(phaseAt(spans, -10)?.phaseIndex).toBeNull()
    expect(phaseAt(spans, 999)?.phaseIndex).toBeNull()
    expect(phaseAt(spans, 1_000)?.phaseIndex).toBe(0)
    expect(phaseAt(spans, 4_000)?.phaseIndex).toBe(1)
    expect(phaseAt(spans, 99_000)?.phaseIndex).toBe(1)
    expect(phaseAt([], 0)).toBeNull()
  })
})
