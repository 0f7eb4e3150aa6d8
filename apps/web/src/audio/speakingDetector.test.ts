import { describe, expect, it } from 'vitest'
import { nextSpeaking, rms, SPEAKING_HOLD_MS, SPEAKING_RMS } from './speakingDetector.ts'

describe('speaking detection', () => {
  it('measures loudness as RMS', () => {
    expect(rms(new Float32Array([0, 0, 0, 0]))).toBe(0)
    expect(rms(new Float32Array([0.5, -0.5, 0.5, -0.5]))).toBeCloseTo(0.5)
  })

  it('turns on with speech and holds through a short pause', () => {
    let state = nextSpeaking(SPEAKING_RMS * 2, 1000, -Infinity)
    expect(state.speaking).toBe(true)
    state = nextSpeaking(0, 1000 + SPEAKING_HOLD_MS - 1, state.lastLoudAt)
    expect(state.speaking).toBe(true)
    state = nextSpeaking(0, 1000 + SPEAKING_HOLD_MS + 1, state.lastLoudAt)
    expect(state.speaking).toBe(false)
    expect(nextSpeaking(SPEAKING_RMS / 2, 5000, -Infinity).speaking).toBe(false)
  })
})
