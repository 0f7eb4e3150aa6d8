/**
 * Several runs of one step, combined. On a shared machine one run's tail moves with whatever
 * else ran meanwhile; running the relays in turn, several times, gives each the same spread of
 * conditions. Each relay's result shows the median of its runs, and comparisons between relays
 * are made turn by turn (each turn's runs met the same conditions), never median against median.
 */
import { metric, type BenchResult, type Metric } from './results.ts'

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/**
 * What a trial that measured nothing (it failed, or delivered nothing to time) counts as: the
 * worst value. It is never left out, so a relay that crashes in some turns cannot look better.
 */
const WORST: Record<string, number> = {
  p50: Infinity,
  p95: Infinity,
  p99: Infinity,
  max: Infinity,
  deliveredOfTarget: 0,
  deliveredFraction: 0,
  deliveredPerS: 0,
}

/** Metrics whose every trial is listed in the combined result's notes. */
const LISTED = ['p50', 'p95', 'p99', 'deliveredOfTarget'] as const

/** A trial's value of `key`, or its worst value when it has none (or NaN); undefined if `key` has no worst. */
function trialValue(trial: Record<string, Metric>, key: string): number | undefined {
  const value = trial[key]?.value
  return value !== undefined && !Number.isNaN(value) ? value : WORST[key]
}

/**
 * One result from the trials of one relay at one step: each metric is the median of the trials,
 * a trial without it counting as its worst value (latencies infinite, deliveries zero; metrics
 * with no worst value, like CPU, use the trials that have them). The trials' own metrics stay
 * in `trials`, in turn order. One trial is returned as it is.
 */
export function combineTrials(trials: readonly BenchResult[]): BenchResult {
  if (trials.length === 1) return trials[0]!
  const first = trials[0]!
  const notes = [...new Set(trials.flatMap((t) => t.notes ?? []))]
  const failed = trials.filter((t) => Object.keys(t.metrics).length === 0).length
  if (failed) notes.push(`${failed} of ${trials.length} trials failed (counted as their worst values)`)
  const metrics: BenchResult['metrics'] = {}
  for (const key of new Set(trials.flatMap((t) => Object.keys(t.metrics)))) {
    const unit = trials.find((t) => t.metrics[key])!.metrics[key]!.unit
    const values = trials.map((t) => trialValue(t.metrics, key)).filter((v): v is number => v !== undefined)
    if (values.length) metrics[key] = metric(median(values), unit)
  }
  for (const key of LISTED) {
    if (!trials.some((t) => t.metrics[key])) continue
    notes.push(`${key} of each trial: ${trials.map((t) => t.metrics[key]?.value ?? 'failed').join(' / ')}`)
  }
  return {
    ...first,
    params: { ...first.params, trials: trials.length },
    metrics,
    trials: trials.map((t) => t.metrics),
    notes,
  }
}

/** The runs of `result` paired turn by turn with those of `other`, when both ran the same trials. */
function turns(result: BenchResult, other: BenchResult): Array<[Record<string, Metric>, Record<string, Metric>]> {
  const mine = result.trials ?? [result.metrics]
  const theirs = other.trials ?? [other.metrics]
  if (mine.length !== theirs.length) return [[result.metrics, other.metrics]]
  return mine.map((m, i) => [m, theirs[i]!])
}

/**
 * `result`'s `key` over `floor`'s, turn by turn: the median of the ratios of the runs made in
 * the same turn (one ratio without trials). A failed run counts as its worst value.
 */
export function pairedRatio(result: BenchResult, floor: BenchResult, key: string): number {
  return median(
    turns(result, floor).map(([mine, theirs]) => (trialValue(mine, key) ?? NaN) / (trialValue(theirs, key) ?? NaN))
  )
}

/** In how many turns `result` had the lower p99 and at least the delivered share of `other`. */
export function turnsAhead(result: BenchResult, other: BenchResult): { won: number; of: number } {
  const all = turns(result, other)
  const won = all.filter(
    ([mine, theirs]) =>
      trialValue(mine, 'p99')! < trialValue(theirs, 'p99')! &&
      trialValue(mine, 'deliveredOfTarget')! >= trialValue(theirs, 'deliveredOfTarget')!
  ).length
  return { won, of: all.length }
}
