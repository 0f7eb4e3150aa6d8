import { describe, expect, it } from 'vitest'
import { clamp, fileSafe, formatDuration, formatTime, sessionBounds } from './format.ts'

describe('formatTime', () => {
  it('shows whole seconds as m:ss, rounding down', () => {
    expect(formatTime(0)).toBe('0:00')
    expect(formatTime(999)).toBe('0:00')
    expect(formatTime(5_000)).toBe('0:05')
    expect(formatTime(65_400)).toBe('1:05')
    expect(formatTime(75 * 60_000)).toBe('75:00')
    expect(formatTime(-300)).toBe('0:00')
  })
})

describe('formatDuration', () => {
  it('reads naturally at every scale', () => {
    expect(formatDuration(42_400)).toBe('42 s')
    expect(formatDuration(185_000)).toBe('3 min 05 s')
    expect(formatDuration(62 * 60_000)).toBe('1 h 02 min')
  })
})

describe('sessionBounds', () => {
  it('spans updates, events and the end of audio tracks', () => {
    const bounds = sessionBounds({
      updates: [
        { ts: 1_000, author: 'candidate', update: '' },
        { ts: 9_000, author: 'candidate', update: '' },
      ],
      events: [{ ts: 500, type: 'joined', data: {} }],
      audio: [
        { id: 'a', userId: 'u', name: 'Ada', role: 'candidate', startedAt: 2_000, durationMs: 10_000, url: '/x' },
      ],
    })
    expect(bounds).toEqual({ start: 500, end: 12_000 })
  })

  it('takes in the server’s own start and end', () => {
    const bounds = sessionBounds({
      updates: [{ ts: 1_000, author: 'candidate', update: '' }],
      events: [],
      audio: [],
      startedAt: 800,
      endedAt: null,
    })
    expect(bounds).toEqual({ start: 800, end: 1_000 })
  })

  it('is empty for an empty session', () => {
    expect(sessionBounds({ updates: [], events: [], audio: [] })).toEqual({ start: 0, end: 0 })
  })
})

describe('clamp and fileSafe', () => {
  it('clamps into range', () => {
    expect(clamp(5, 0, 3)).toBe(3)
    expect(clamp(-1, 0, 3)).toBe(0)
  })
  it('keeps file names portable', () => {
    expect(fileSafe('System design: Spotify / Ada')).toBe('System-design-Spotify-Ada')
    expect(fileSafe('///')).toBe('session')
  })
})
