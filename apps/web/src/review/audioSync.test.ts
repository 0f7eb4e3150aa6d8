import { describe, expect, it } from 'vitest'
import { audioStep, trackPosition } from './audioSync.ts'

describe('trackPosition', () => {
  const track = { startedAt: 10_000, durationMs: 5_000 }
  it('is the offset into the track inside its span, null outside', () => {
    expect(trackPosition(track, 9_999)).toBeNull()
    expect(trackPosition(track, 10_000)).toBe(0)
    expect(trackPosition(track, 12_500)).toBe(2.5)
    expect(trackPosition(track, 15_000)).toBeNull()
  })
})

describe('audioStep', () => {
  const el = (currentTime: number, paused: boolean, seekable = true) => ({ currentTime, paused, seekable })
  it('plays inside the span and pauses outside', () => {
    expect(audioStep(1, el(1, true), true)).toEqual({ seekTo: null, play: true, pause: false })
    expect(audioStep(null, el(1, false), true)).toEqual({ seekTo: null, play: false, pause: true })
    expect(audioStep(null, el(1, true), true)).toEqual({ seekTo: null, play: false, pause: false })
    expect(audioStep(1, el(1, false), false)).toEqual({ seekTo: null, play: false, pause: true })
  })

  it('resyncs only past the drift limit, and only once the element can seek', () => {
    expect(audioStep(2, el(2.25, false), true).seekTo).toBeNull()
    expect(audioStep(2, el(2.35, false), true).seekTo).toBe(2)
    expect(audioStep(2, el(0, true), false).seekTo).toBe(2)
    expect(audioStep(2, el(0, true, false), false).seekTo).toBeNull()
  })
})
