/** Result shapes, statistics and the printed table. */
import { execFileSync } from 'node:child_process'
import { cpus, totalmem } from 'node:os'
import { REPO_ROOT } from './processes.ts'

export interface Metric {
  value: number
  unit: string
}

export interface BenchResult {
  harness: string
  name: string
  params: Record<string, unknown>
  metrics: Record<string, Metric>
  /** For comparisons: this result's metrics divided by the raw floor's (and y-websocket-server's). */
  ratios?: Record<string, Record<string, number>>
  /** A step run as several trials: each trial's own metrics, in turn order (`metrics` holds their medians). */
  trials?: Array<Record<string, Metric>>
  notes?: string[]
}

export const metric = (value: number, unit: string): Metric => ({
  value: Number.isFinite(value) ? Math.round(value * 1000) / 1000 : value,
  unit,
})

/** The q-quantile (0..1) of `sorted` (ascending), nearest rank. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[i]!
}

export function machineInfo() {
  const cpu = cpus()
  let commit = 'unknown'
  let dirty = false
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim()
    dirty = execFileSync('git', ['status', '--porcelain'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim() !== ''
  } catch {
    // not a git checkout
  }
  return {
    cpuModel: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryBytes: totalmem(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    commit,
    dirty,
  }
}

const fmt = (value: number) => {
  if (!Number.isFinite(value)) return String(value)
  const abs = Math.abs(value)
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US')
  if (abs >= 100) return value.toFixed(0)
  if (abs >= 10) return value.toFixed(1)
  return value.toFixed(abs >= 1 ? 2 : 3)
}

const SHORT: Record<string, string> = { raw: 'raw', 'y-websocket-server': 'yws' }

/** Plain-text table: one row per result, the chosen metrics as columns, then [baseline, metric] ratios. */
export function table(results: BenchResult[], columns: string[], ratioColumns: Array<[string, string]> = []): string {
  const header = ['name', ...columns, ...ratioColumns.map(([base, c]) => `${c}/${SHORT[base] ?? base}`)]
  const units = columns.map((c) => results.find((r) => r.metrics[c])?.metrics[c]!.unit ?? '')
  const rows = results.map((r) => [
    r.name,
    ...columns.map((c) => (r.metrics[c] ? fmt(r.metrics[c].value) : '')),
    ...ratioColumns.map(([base, c]) => {
      const ratio = r.ratios?.[base]?.[c]
      return ratio === undefined ? '' : `${fmt(ratio)}x`
    }),
  ])
  const all = [header, ['', ...units, ...ratioColumns.map(() => '')], ...rows]
  const widths = header.map((_, i) => Math.max(...all.map((row) => row[i]!.length)))
  return all
    .map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '))
    .join('\n')
}
