import { describe, expect, it } from 'vitest'
import { metric, type BenchResult } from './results.ts'
import { combineTrials, pairedRatio, turnsAhead } from './trials.ts'

const trial = (p99: number, p50: number, notes: string[] = [], delivered = 1): BenchResult => ({
  harness: 'relay-latency',
  name: 'loopboard 100 rooms',
  params: { relay: 'loopboard', rooms: 100 },
  metrics: { p50: metric(p50, 'ms'), p99: metric(p99, 'ms'), deliveredOfTarget: metric(delivered, 'fraction') },
  notes,
})
const failed: BenchResult = { ...trial(0, 0), metrics: {}, notes: ['step failed: relay exited'] }

describe('combineTrials', () => {
  it('takes the median of each metric on its own, and lists every trial', () => {
    const combined = combineTrials([trial(9, 0.3), trial(2, 0.5), trial(3, 0.4, ['slow connect'])])
    expect(combined.metrics.p99).toEqual({ value: 3, unit: 'ms' })
    expect(combined.metrics.p50).toEqual({ value: 0.4, unit: 'ms' })
    expect(combined.params).toEqual({ relay: 'loopboard', rooms: 100, trials: 3 })
    expect(combined.trials?.map((t) => t.p99!.value)).toEqual([9, 2, 3])
    expect(combined.notes).toEqual([
      'slow connect',
      'p50 of each trial: 0.3 / 0.5 / 0.4',
      'p99 of each trial: 9 / 2 / 3',
      'deliveredOfTarget of each trial: 1 / 1 / 1',
    ])
  })

  it('averages the middle two of an even count', () => {
    expect(combineTrials([trial(1, 0.2), trial(4, 0.2), trial(2, 0.2), trial(8, 0.2)]).metrics.p99!.value).toBe(3)
  })

  it('counts a failed trial as its worst values, so crashes cannot improve the medians', () => {
    const oneFailed = combineTrials([trial(5, 0.3), failed, trial(7, 0.5)])
    expect(oneFailed.metrics.p99!.value).toBe(7)
    expect(oneFailed.metrics.deliveredOfTarget!.value).toBe(1)
    expect(oneFailed.notes).toContain('step failed: relay exited')
    expect(oneFailed.notes).toContain('1 of 3 trials failed (counted as their worst values)')
    expect(oneFailed.notes).toContain('p99 of each trial: 5 / failed / 7')

    const twoFailed = combineTrials([failed, trial(3, 0.3), failed])
    expect(twoFailed.metrics.p99!.value).toBe(Infinity)
    expect(twoFailed.metrics.deliveredOfTarget!.value).toBe(0)
  })

  it('counts a trial that timed nothing (p99 NaN) as its worst', () => {
    expect(combineTrials([trial(NaN, NaN, [], 0), trial(3, 0.3), trial(5, 0.3)]).metrics.p99!.value).toBe(5)
  })

  it('returns a single trial unchanged', () => {
    const only = trial(5, 0.3)
    expect(combineTrials([only])).toBe(only)
  })
})

describe('comparing relays turn by turn', () => {
  // The shape of a real run: the medians favour Loopboard although yws won two of the three turns.
  const lb = combineTrials([trial(4.17, 0.37), trial(2.41, 0.33), trial(2.12, 0.33)])
  const yws = combineTrials([trial(3.2, 0.39), trial(1.57, 0.34), trial(2.49, 0.35)])

  it('counts the turns in which a relay had the lower p99 and at least the delivered share', () => {
    expect(lb.metrics.p99!.value).toBeLessThan(yws.metrics.p99!.value)
    expect(turnsAhead(lb, yws)).toEqual({ won: 1, of: 3 })
    expect(turnsAhead(yws, lb)).toEqual({ won: 2, of: 3 })
    const lbDroppedSome = combineTrials([trial(1, 0.3, [], 0.9), trial(1, 0.3, [], 0.9), trial(1, 0.3)])
    expect(turnsAhead(lbDroppedSome, yws)).toEqual({ won: 1, of: 3 })
  })

  it('takes the median of the ratios of each turn, a failed turn counting as infinitely slow', () => {
    const raw = combineTrials([trial(1, 0.2), trial(2, 0.2), trial(0.5, 0.2)])
    // Turn ratios 4.17, 1.205, 4.24: median 4.17 (median against median would be 2.41 / 1 = 2.41).
    expect(pairedRatio(lb, raw, 'p99')).toBeCloseTo(4.17)
    const crashed = combineTrials([trial(1, 0.2), failed, failed])
    expect(pairedRatio(crashed, raw, 'p99')).toBe(Infinity)
  })

  it('compares single runs directly', () => {
    expect(pairedRatio(trial(3, 0.3), trial(1, 0.2), 'p99')).toBe(3)
    expect(turnsAhead(trial(2, 0.3), trial(3, 0.3))).toEqual({ won: 1, of: 1 })
  })
})
