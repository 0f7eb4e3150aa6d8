/** Summaries of V8 `.cpuprofile` files (from `node --cpu-prof`): top functions by self time. */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { REPO_ROOT } from './processes.ts'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}

interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
  startTime: number
  endTime: number
}

export interface ProfileSummary {
  file: string
  totalMs: number
  /** Share of samples in which the process was idle (waiting in epoll). */
  idleShare: number
  top: Array<{ function: string; where: string; selfMs: number; share: number }>
  /** Self time grouped by package or source folder. */
  byArea: Array<{ area: string; selfMs: number; share: number }>
}

function shortUrl(url: string): string {
  if (!url) return ''
  const path = url.replace(/^file:\/\//, '')
  const nm = path.lastIndexOf('node_modules/')
  if (nm >= 0) return path.slice(nm + 'node_modules/'.length)
  return path.startsWith('/') ? relative(REPO_ROOT, path) : path
}

function area(url: string, name: string): string {
  const short = shortUrl(url)
  if (!short) return name.startsWith('(') ? name : '(native)'
  if (short.startsWith('node:')) return short.split('/')[0]!.replace(/^node:internal.*/, 'node internals')
  if (short.startsWith('@')) return short.split('/').slice(0, 2).join('/')
  if (!short.startsWith('server/') && !short.startsWith('packages/')) return short.split('/')[0]!
  return short.split('/').slice(0, 3).join('/')
}

export function summarizeProfile(file: string, topN = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const self = new Map<number, number>()
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))
  const total = [...self.values()].reduce((a, b) => a + b, 0)
  const fns = new Map<string, { function: string; where: string; self: number }>()
  const areas = new Map<string, number>()
  let idle = 0
  for (const [id, micros] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame
    if (functionName === '(idle)') idle += micros
    const name = functionName || '(anonymous)'
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : ''
    const key = `${name}@${where}`
    const entry = fns.get(key) ?? { function: name, where, self: 0 }
    entry.self += micros
    fns.set(key, entry)
    const a = area(url, name)
    areas.set(a, (areas.get(a) ?? 0) + micros)
  }
  const ms = (micros: number) => Math.round(micros / 100) / 10
  const share = (micros: number) => Math.round((micros / total) * 1000) / 1000
  return {
    file: relative(REPO_ROOT, file),
    totalMs: ms(total),
    idleShare: share(idle),
    top: [...fns.values()]
      .sort((a, b) => b.self - a.self)
      .slice(0, topN)
      .map((f) => ({ function: f.function, where: f.where, selfMs: ms(f.self), share: share(f.self) })),
    byArea: [...areas.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, topN)
      .map(([a, micros]) => ({ area: a, selfMs: ms(micros), share: share(micros) })),
  }
}

/** The newest `.cpuprofile` in `dir`. */
export function newestProfile(dir: string): string | null {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort()
  return files.length ? join(dir, files[files.length - 1]!) : null
}

export function formatProfile(summary: ProfileSummary): string {
  const lines = [
    `${summary.file}: ${summary.totalMs} ms sampled, ${(summary.idleShare * 100).toFixed(1)}% idle`,
    '  self%   self ms  function (where)',
    ...summary.top.map(
      (f) => `  ${(f.share * 100).toFixed(1).padStart(5)}  ${String(f.selfMs).padStart(8)}  ${f.function} (${f.where})`
    ),
    '  by area:',
    ...summary.byArea.map(
      (a) => `  ${(a.share * 100).toFixed(1).padStart(5)}  ${String(a.selfMs).padStart(8)}  ${a.area}`
    ),
  ]
  return lines.join('\n')
}
