import { describe, expect, it } from 'vitest'
import { metric, type BenchResult } from './results.ts'
import { combineTrials } from './trials.ts'

const trial = (p99: number, p50: number, notes: string[] = []): BenchResult => ({
  harness: 'relay-latency',
  name: 'loopboard 100 rooms',
  params: { relay: 'loopboard', rooms: 100 },
  metrics: { p50: metric(p50, 'ms'), p99: metric(p99, 'ms') },
  notes,
})

describe('combineTrials', () => {
  it('takes the median of each metric on its own, and lists every trial', () => {
    const combined = combineTrials([trial(9, 0.3), trial(2, 0.5), trial(3, 0.4, ['slow connect'])])
    expect(combined.metrics.p99).toEqual({ value: 3, unit: 'ms' })
    expect(combined.metrics.p50).toEqual({ value: 0.4, unit: 'ms' })
    expect(combined.params).toEqual({ relay: 'loopboard', rooms: 100, trials: 3 })
    expect(combined.notes).toEqual([
      'slow connect',
      'p50 of each trial: 0.3 / 0.5 / 0.4',
      'p99 of each trial: 9 / 2 / 3',
    ])
  })

  it('averages the middle two of an even count', () => {
    expect(combineTrials([trial(1, 0.2), trial(4, 0.2), trial(2, 0.2), trial(8, 0.2)]).metrics.p99!.value).toBe(3)
  })

  it('leaves a failed trial out of the medians and says so', () => {
    const failed: BenchResult = { ...trial(0, 0), metrics: {}, notes: ['step failed: relay exited'] }
    const combined = combineTrials([trial(5, 0.3), failed, trial(7, 0.5)])
    expect(combined.metrics.p99!.value).toBe(6)
    expect(combined.notes).toContain('step failed: relay exited')
    expect(combined.notes).toContain('1 of 3 trials failed')
  })

  it('returns a single trial unchanged', () => {
    const only = trial(5, 0.3)
    expect(combineTrials([only])).toBe(only)
  })
})
