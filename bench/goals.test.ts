import { describe, expect, it } from 'vitest'
import { evaluateGoals } from './goals.ts'
import { metric, type BenchResult } from './lib/results.ts'
import { combineTrials } from './lib/trials.ts'

const run = (relay: string, p50: number, p99: number): BenchResult => ({
  harness: 'relay-latency',
  name: `${relay} 100 rooms`,
  params: { relay, rooms: 100 },
  metrics: { p50: metric(p50, 'ms'), p99: metric(p99, 'ms'), deliveredOfTarget: metric(1, 'fraction') },
})
const step = (relay: string, p99s: number[]) => combineTrials(p99s.map((p99) => run(relay, 0.3, p99)))
const raw = step('raw', [0.95, 0.82, 2.74])
/** The named goal, judged on the floor `raw` and these p99s of y-websocket-server and Loopboard per turn. */
const goal = (name: string, yws: number[], loopboard: number[]) =>
  evaluateGoals([raw, step('y-websocket-server', yws), step('loopboard', loopboard)]).find((g) =>
    g.goal.startsWith(name)
  )!

describe('the relay goals over alternating trials', () => {
  it('judges "ahead of y-websocket-server" turn by turn, not median against median', () => {
    // Loopboard's median p99 (2.41) is below yws's (2.49), but yws was ahead in two of three turns.
    const lost = goal('relay ahead', [3.2, 1.57, 2.49], [4.17, 2.41, 2.12])
    expect(lost.pass).toBe(false)
    expect(lost.actual).toContain('ahead in 1 of 3 turns')

    const won = goal('relay ahead', [3.2, 1.57, 2.49], [3.0, 2.41, 2.12])
    expect(won.pass).toBe(true)
    expect(won.actual).toContain('ahead in 2 of 3 turns')
  })

  it('holds the p99 to the floor by the median of each turn’s ratio', () => {
    // Turn ratios 4.39, 2.94, 0.77: median 2.94 (<= 3x), although 2.41 / 0.95 would also pass.
    const p99 = goal('relay p99 at 100', [3, 3, 3], [4.17, 2.41, 2.12])
    expect(p99.pass).toBe(true)
    expect(p99.actual).toContain('2.94x, median of 3 turns')
    const slow = goal('relay p99 at 100', [3, 3, 3], [4.17, 2.6, 9])
    expect(slow.pass).toBe(false)
  })
})
