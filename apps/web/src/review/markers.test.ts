import { describe, expect, it } from 'vitest'
import { deriveMarkers, describeEvent } from './markers.ts'

describe('describeEvent', () => {
  it('labels every known event type', () => {
    const label = (type: string, data: Record<string, unknown> = {}) => describeEvent({ type, data })
    expect(label('interview-start', { phaseIndex: 0, phase: 'Requirements' })).toEqual({
      kind: 'phase',
      label: 'Interview started · Requirements',
    })
    expect(label('interview-next-phase', { phaseIndex: 2 }).label).toBe('Next phase · phase 3')
    expect(label('interview-previous-phase', { phaseIndex: 0, phase: 'Req' }).label).toBe('Back to a phase · Req')
    expect(label('interview-finish').label).toBe('Interview finished')
    expect(label('prompt-set', { title: 'Design Spotify' }).label).toBe('Prompt set · Design Spotify')
    expect(label('hint-revealed', { hintIndex: 1 })).toEqual({ kind: 'hint', label: 'Hint 2 revealed' })
    expect(label('note-written', { shapeId: 'shape:a' }).kind).toBe('note')
    expect(label('joined', { name: 'Ada', role: 'candidate' }).label).toBe('Ada (candidate) joined')
    expect(label('left', {}).label).toBe('Someone left')
    expect(label('recording-started', { name: 'Bo' }).label).toBe('Recording started by Bo')
    expect(label('recording-stopped').label).toBe('Recording stopped')
    expect(label('roles-swapped', { round: 2 }).label).toBe('Roles swapped · round 2')
    expect(label('feedback-published').kind).toBe('feedback')
    expect(label('something-new')).toEqual({ kind: 'other', label: 'something new' })
    expect(label('recording-consent', { userId: 'u1', consent: false }).label).toBe('Someone declined to be recorded')
  })
})

describe('deriveMarkers', () => {
  it('orders events by time (stable for ties) and measures them from the start', () => {
    const markers = deriveMarkers(
      [
        { ts: 3_000, type: 'left', data: { name: 'Ada' } },
        { ts: 1_000, type: 'joined', data: { name: 'Ada' } },
        { ts: 3_000, type: 'joined', data: { name: 'Bo' } },
      ],
      500
    )
    expect(markers.map((m) => [m.offset, m.label])).toEqual([
      [500, 'Ada joined'],
      [2_500, 'Ada left'],
      [2_500, 'Bo joined'],
    ])
    expect(new Set(markers.map((m) => m.key)).size).toBe(3)
  })

  it('names participants in events that carry only their userId', () => {
    const markers = deriveMarkers(
      [
        { ts: 1, type: 'joined', data: { userId: 'u1', name: 'Ada', role: 'candidate' } },
        { ts: 2, type: 'recording-consent', data: { userId: 'u1', consent: true } },
      ],
      0
    )
    expect(markers[1]).toMatchObject({ kind: 'recording', label: 'Ada agreed to be recorded' })
  })
})
