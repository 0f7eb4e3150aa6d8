import { describe, expect, it } from 'vitest'
import {
  clockOffsetMs,
  formatClock,
  formatElapsed,
  InterviewStatus,
  phaseElapsedMs,
  phaseRemainingMs,
  type PhaseClock,
} from './timer.ts'

const running = (elapsed: number, since: number): PhaseClock => ({
  status: InterviewStatus.Running,
  phaseElapsedMs: elapsed,
  phaseResumedAt: since,
})

describe('interview clock', () => {
  it('counts a running phase from the server timestamps and freezes a paused one', () => {
    expect(phaseElapsedMs(running(30_000, 1_000_000), 1_010_000)).toBe(40_000)
    expect(phaseElapsedMs({ status: 'paused', phaseElapsedMs: 30_000, phaseResumedAt: null }, 9e12)).toBe(30_000)
    expect(phaseElapsedMs({ status: 'not-started', phaseElapsedMs: 0, phaseResumedAt: null }, 9e12)).toBe(0)
    // A client clock slightly behind the server start never shows negative elapsed time.
    expect(phaseElapsedMs(running(0, 1_000_000), 999_000)).toBe(0)
  })

  it('gives the same remaining time on two clients whose clocks disagree, once each applies its offset', () => {
    const clock = running(0, 1_000_000)
    const serverNow = 1_125_000
    // Client A runs 42 s fast, client B 7 s slow; each measured its offset over a round trip.
    const a = {
      now: serverNow + 42_000,
      offset: clockOffsetMs(serverNow + 42_000 - 50, serverNow, serverNow + 42_000 + 50),
    }
    const b = {
      now: serverNow - 7_000,
      offset: clockOffsetMs(serverNow - 7_000 - 80, serverNow, serverNow - 7_000 + 80),
    }
    const remainingA = phaseRemainingMs(clock, 5, a.now + a.offset)
    const remainingB = phaseRemainingMs(clock, 5, b.now + b.offset)
    expect(Math.abs(remainingA - remainingB)).toBeLessThan(1000)
    expect(remainingA).toBe(5 * 60_000 - 125_000)
  })

  it('goes negative when a phase runs over its budget', () => {
    expect(phaseRemainingMs(running(0, 0), 1, 65_000)).toBe(-5_000)
    expect(formatClock(-5_000)).toBe('-0:05')
    expect(formatClock(-65_400)).toBe('-1:05')
  })

  it('formats remaining time, rounding up while counting down', () => {
    expect(formatClock(300_000)).toBe('5:00')
    expect(formatClock(59_200)).toBe('1:00')
    expect(formatClock(59_000)).toBe('0:59')
    expect(formatClock(0)).toBe('0:00')
    expect(formatClock(-400)).toBe('0:00')
  })
})

describe('formatElapsed', () => {
  it('counts up in whole seconds, with a minus before the start', () => {
    expect(formatElapsed(0)).toBe('0:00')
    expect(formatElapsed(62_900)).toBe('1:02')
    expect(formatElapsed(143_000)).toBe('2:23')
    expect(formatElapsed(-12_400)).toBe('-0:12')
    expect(formatElapsed(-400)).toBe('0:00')
  })
})
