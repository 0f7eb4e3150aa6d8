/**
 * Several runs of one step, combined. On a shared machine one run's tail moves with whatever
 * else ran meanwhile; running the relays in turn, several times, gives each the same spread of
 * conditions, and the median of their runs is what they are compared on.
 */
import { metric, type BenchResult } from './results.ts'

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** Metrics whose every trial is listed in the combined result's notes. */
const LISTED = ['p50', 'p95', 'p99', 'deliveredOfTarget'] as const

/**
 * One result from the trials of one relay at one step: each metric is the median of the trials
 * that measured it (a failed trial, with no metrics, is left out and noted). One trial is
 * returned as it is.
 */
export function combineTrials(trials: readonly BenchResult[]): BenchResult {
  if (trials.length === 1) return trials[0]!
  const measured = trials.filter((t) => Object.keys(t.metrics).length > 0)
  const first = trials[0]!
  const notes = [...new Set(trials.flatMap((t) => t.notes ?? []))]
  const failed = trials.length - measured.length
  if (failed) notes.push(`${failed} of ${trials.length} trials failed`)
  const metrics: BenchResult['metrics'] = {}
  for (const key of new Set(measured.flatMap((t) => Object.keys(t.metrics)))) {
    const values = measured.map((t) => t.metrics[key]?.value).filter((v): v is number => Number.isFinite(v))
    if (values.length) metrics[key] = metric(median(values), measured.find((t) => t.metrics[key])!.metrics[key]!.unit)
  }
  for (const key of LISTED) {
    const values = measured.map((t) => t.metrics[key]?.value)
    if (values.some((v) => v !== undefined)) notes.push(`${key} of each trial: ${values.join(' / ')}`)
  }
  return { ...first, params: { ...first.params, trials: trials.length }, metrics, notes }
}
