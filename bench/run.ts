/**
 * Loopboard benchmarks. `npm run bench` (quick, a few minutes on 2 cores) or
 * `--only=latency,wire,memory,load,replay,browser,attacks` (or `cold`, `cluster`) to run some
 * harnesses (`cold`: only the browser's cold opens; `cluster`: embedded vs 1 relay vs 2 relays
 * behind HAProxy on Postgres and Redis, never part of the default set),
 * `--rooms=100` to run the latency steps at those room counts only, `--profile` to also run the Loopboard relay under `--cpu-prof` at `--profile-rooms=N` rooms
 * (default 500) and summarize its hottest functions. Writes bench/results/<time>-<profile>.json
 * and bench/results/latest.json, and prints tables. See bench/results/README.md.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { latencyRatios, runLatencyStep, type LatencyStep } from './harnesses/relayLatency.ts'
import { runIdleRooms, runJoinLeave, runYDocHeap } from './harnesses/memory.ts'
import { runBrowser } from './harnesses/browser.ts'
import { runReplay } from './harnesses/replay.ts'
import { runRoomLoad } from './harnesses/roomLoad.ts'
import { runWireSize } from './harnesses/wireSize.ts'
import { runAttacks } from './harnesses/attacks.ts'
import { CLUSTER_SETUPS, clusterVerdict, runClusterStep } from './harnesses/cluster.ts'
import { killAllChildren, REPO_ROOT, sourceHash, type RelayKind } from './lib/processes.ts'
import { formatProfile, summarizeProfile, type ProfileSummary } from './lib/profile.ts'
import { machineInfo, table, type BenchResult } from './lib/results.ts'
import { combineTrials } from './lib/trials.ts'
import { evaluateGoals, formatGoals } from './goals.ts'

const { values: args } = parseArgs({
  options: {
    full: { type: 'boolean', default: false },
    smoke: { type: 'boolean', default: false },
    rooms: { type: 'string' },
    only: { type: 'string' },
    profile: { type: 'boolean', default: false },
    'profile-rooms': { type: 'string', default: '500' },
  },
})

const PROFILES = {
  quick: {
    // The goals judge the 100-room step against y-websocket-server: three trials, the relays in turn.
    latency: { rooms: [1, 100, 500], trials: { 100: 3 }, hz: 30, warmupS: 2, durationS: 10, drainS: 3 },
    idleRooms: 20,
    joinLeave: { rooms: 1000, cycles: 2 },
    load: { shapes: [1000, 4000], reps: 3 },
    cluster: { rooms: [1, 100], hz: 30, warmupS: 2, durationS: 10, drainS: 3 },
    deadlineMin: 9,
  },
  /**
   * CI: every harness but the browser's runs once on tiny inputs, so a broken harness or relay
   * path shows up; its numbers mean nothing and nothing is asserted on them.
   */
  smoke: {
    latency: { rooms: [2], trials: { 2: 2 }, hz: 30, warmupS: 1, durationS: 2, drainS: 1 },
    idleRooms: 2,
    joinLeave: { rooms: 20, cycles: 1 },
    load: { shapes: [200], reps: 1 },
    cluster: { rooms: [1, 2], hz: 30, warmupS: 1, durationS: 2, drainS: 1 },
    deadlineMin: 5,
  },
  full: {
    latency: { rooms: [1, 100, 500, 1000], trials: { 100: 3 }, hz: 30, warmupS: 5, durationS: 30, drainS: 5 },
    idleRooms: 50,
    joinLeave: { rooms: 1000, cycles: 3 },
    load: { shapes: [1000, 4000], reps: 5 },
    cluster: { rooms: [1, 100], hz: 30, warmupS: 5, durationS: 30, drainS: 5 },
    deadlineMin: 40,
  },
}
const profileName = args.full ? 'full' : args.smoke ? 'smoke' : 'quick'
const profile = PROFILES[profileName]
const only = new Set((args.only ?? `latency,wire,memory,load,replay${args.smoke ? '' : ',browser,attacks'}`).split(','))
const RELAYS: RelayKind[] = ['raw', 'y-websocket-server', 'loopboard']
const RESULTS_DIR = resolve(REPO_ROOT, 'bench/results')

// Bounded in time whatever happens; children die with us.
const deadline = setTimeout(() => {
  process.stderr.write(`bench: aborting after ${profile.deadlineMin} min\n`)
  process.exit(2)
}, profile.deadlineMin * 60_000)
deadline.unref()
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAllChildren()
    process.exit(130)
  })
}

const log = (line: string) => process.stdout.write(`${line}\n`)
const elapsed = (t0: number) => `${((performance.now() - t0) / 1000).toFixed(1)} s`

/** A step the machine could not run (e.g. clients failed to connect): reported with its error, not fatal. */
const failedStep =
  (harness: string, name: string, params: BenchResult['params']) =>
  (error: unknown): BenchResult => ({
    harness,
    name,
    params,
    metrics: {},
    notes: [`step failed: ${(error as Error).message}`],
  })

async function latency(results: BenchResult[]) {
  const { rooms, trials, ...timing } = profile.latency
  const counts = args.rooms ? args.rooms.split(',').map(Number) : rooms
  for (const count of counts) {
    // With several trials the relays take turns (raw, yws, Loopboard, raw, …), so each meets the
    // same spread of whatever else the machine does; the goals then compare them turn by turn.
    const runs = (trials as Record<number, number>)[count] ?? 1
    const byRelay = new Map<RelayKind, BenchResult[]>(RELAYS.map((relay) => [relay, []]))
    for (let trial = 1; trial <= runs; trial++) {
      for (const relay of RELAYS) {
        const t0 = performance.now()
        const result = await runLatencyStep({ relay, rooms: count, ...timing }).catch(
          failedStep('relay-latency', `${relay} ${count} rooms`, { relay, rooms: count, ...timing })
        )
        const of = runs > 1 ? ` (trial ${trial} of ${runs})` : ''
        log(
          `  ${result.name}${of}: p50 ${result.metrics.p50?.value} ms, p99 ${result.metrics.p99?.value} ms (${elapsed(t0)})`
        )
        byRelay.get(relay)!.push(result)
      }
    }
    const step = RELAYS.map((relay) => combineTrials(byRelay.get(relay)!))
    if (runs > 1)
      for (const r of step)
        log(`  ${r.name}, median of ${runs}: p50 ${r.metrics.p50?.value} ms, p99 ${r.metrics.p99?.value} ms`)
    const [raw, yws] = step
    for (const result of step.slice(1)) {
      result.ratios = {}
      const vsRaw = latencyRatios(result, raw)
      if (vsRaw) result.ratios.raw = vsRaw
      const vsYws = result === yws ? null : latencyRatios(result, yws)
      if (vsYws) result.ratios['y-websocket-server'] = vsYws
    }
    results.push(...step)
  }
}

async function cpuProfile(): Promise<ProfileSummary> {
  const rooms = Number(args['profile-rooms'])
  const { rooms: _sweep, trials: _trials, ...timing } = profile.latency
  const dir = join(RESULTS_DIR, 'profiles')
  mkdirSync(dir, { recursive: true })
  const name = `loopboard-${rooms}rooms-${Date.now()}.cpuprofile`
  const step: LatencyStep = {
    relay: 'loopboard',
    rooms,
    ...timing,
    nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}`],
  }
  const result = await runLatencyStep(step)
  log(`  profiled ${result.name}: p50 ${result.metrics.p50!.value} ms, relay CPU ${result.metrics.relayCpu!.value}%`)
  return summarizeProfile(join(dir, name))
}

async function main() {
  const started = new Date()
  const t0 = performance.now()
  const machine = { ...machineInfo(), loadavgAtStart: loadavg().map((x) => Math.round(x * 100) / 100) }
  const sourceAtStart = sourceHash()
  log(`Loopboard bench (${profileName}) on ${machine.cpuModel}, ${machine.cores} cores, node ${machine.node}`)
  const results: BenchResult[] = []
  const profiles: ProfileSummary[] = []
  const clusterNotes: string[] = []

  if (only.has('wire')) {
    log('wire and document size…')
    results.push(...runWireSize())
  }
  if (only.has('memory')) {
    log('memory…')
    results.push(runYDocHeap(1000))
    results.push(await runIdleRooms(profile.idleRooms))
    results.push(await runJoinLeave(profile.joinLeave.rooms, profile.joinLeave.cycles))
  }
  if (only.has('load')) {
    log('room load…')
    for (const shapes of profile.load.shapes) results.push(await runRoomLoad(shapes, profile.load.reps))
  }
  if (only.has('browser') || only.has('cold')) {
    log(only.has('browser') ? 'browser to browser, cold open…' : 'cold open…')
    results.push(...(await runBrowser({ peer: only.has('browser') })))
  }
  if (only.has('replay')) {
    log('replay of a 60-minute session…')
    results.push(...(await runReplay()))
  }
  if (only.has('attacks')) {
    log('attacks next to a bystander room…')
    results.push(...(await runAttacks()))
  }
  if (only.has('cluster')) {
    log(`scale-out: embedded vs 1 relay vs 2 relays behind HAProxy (${profile.cluster.durationS} s per step)…`)
    const { rooms, ...timing } = profile.cluster
    const counts = args.rooms ? args.rooms.split(',').map(Number) : rooms
    const steps: BenchResult[] = []
    for (const count of counts) {
      for (const setup of CLUSTER_SETUPS) {
        const t0 = performance.now()
        const result = await runClusterStep({ setup, rooms: count, ...timing }).catch(
          failedStep('cluster', `${setup} ${count} rooms`, { setup, rooms: count, ...timing })
        )
        log(
          `  ${result.name}: p50 ${result.metrics.p50?.value} ms, p99 ${result.metrics.p99?.value} ms, delivered ${result.metrics.deliveredFraction?.value}, server CPU/msg ${result.metrics.cpuPerMsg_server?.value} µs (${elapsed(t0)})`
        )
        for (const note of result.notes ?? []) log(`    ${note}`)
        steps.push(result)
      }
    }
    results.push(...steps)
    clusterNotes.push(...clusterVerdict(steps, machine.cores))
  }
  if (only.has('latency')) {
    log(`relay latency (${profile.latency.durationS} s per step)…`)
    await latency(results)
  }
  if (args.profile) {
    log('cpu profile of the Loopboard relay…')
    profiles.push(await cpuProfile())
  }

  const goals = evaluateGoals(results)
  const sourceAtEnd = sourceHash()
  const warnings: string[] = []
  if (sourceAtEnd !== sourceAtStart) {
    warnings.push(
      `server/package sources changed during the run (${sourceAtStart} -> ${sourceAtEnd}): results mix code versions; see params.serverSource`
    )
  }
  if (machine.loadavgAtStart[0]! > machine.cores / 2) {
    warnings.push(`machine busy at start (load ${machine.loadavgAtStart[0]} on ${machine.cores} cores): see otherCpu`)
  }
  // `npm run bench` starts the load generator with one V8 helper thread: with Node's four, its
  // garbage collector took every core for 5-9 ms about twice a second, and the relays waited.
  if (!process.execArgv.includes('--v8-pool-size=1')) {
    warnings.push(
      'load generator not started with --v8-pool-size=1 (npm run bench does): relay latencies include its GC threads'
    )
  }
  const report = {
    schema: 1,
    profile: profileName,
    startedAt: started.toISOString(),
    durationS: Math.round((performance.now() - t0) / 100) / 10,
    machine: { ...machine, loadavgAtEnd: loadavg().map((x) => Math.round(x * 100) / 100) },
    source: { atStart: sourceAtStart, atEnd: sourceAtEnd },
    warnings,
    config: profile,
    results,
    goals,
    profiles,
    clusterVerdict: clusterNotes,
  }
  mkdirSync(RESULTS_DIR, { recursive: true })
  const file = join(RESULTS_DIR, `${started.toISOString().replace(/[:.]/g, '-')}-${profileName}.json`)
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`)
  if (!args.smoke) copyFileSync(file, join(RESULTS_DIR, 'latest.json'))

  printTables(results)
  if (clusterNotes.length) log(`\nwhat limits scaling here\n${clusterNotes.map((line) => `- ${line}`).join('\n')}`)
  for (const summary of profiles) log(`\n${formatProfile(summary)}`)
  log(`\n${formatGoals(goals)}`)
  for (const warning of warnings) log(`\nwarning: ${warning}`)
  log(`\nwrote ${file} (${report.durationS} s)`)
  // The smoke asserts that every harness ran, not what it measured.
  const failed = results.filter((r) => r.notes?.some((n) => n.startsWith('step failed')))
  if (args.smoke && failed.length) throw new Error(`harness steps failed: ${failed.map((r) => r.name).join(', ')}`)
}

function printTables(results: BenchResult[]) {
  const of = (harness: string) => results.filter((r) => r.harness === harness)
  const sections: Array<[string, string[], Array<[string, string]>?]> = [
    [
      'relay-latency',
      [
        'p50',
        'p95',
        'p99',
        'max',
        'deliveredPerS',
        'deliveredOfTarget',
        'relayCpu',
        'relayCpuPerMsg',
        'benchCpu',
        'otherCpu',
      ],
      [
        ['raw', 'p50'],
        ['raw', 'p99'],
        ['y-websocket-server', 'p50'],
        ['y-websocket-server', 'p99'],
      ],
    ],
    ['wire-size', ['yUpdate', 'yWebsocketFrame', 'changedFieldsJson', 'yUpdateVsChangedJson', 'wholeRecordYUpdate']],
    [
      'wire-size',
      [
        'framesSent',
        'lastFrame',
        'meanFrame',
        'strokeTotal',
        'strokeWireTotal',
        'finalRecordJson',
        'wireVsFinalRecord',
        'wholeRecordStrokeTotal',
      ],
    ],
    [
      'wire-size',
      ['keystrokeWireKeys11to20', 'keystrokeWireLast10', 'lastVsFirst', 'typedWireTotal', 'wholeRecordTypedTotal'],
    ],
    [
      'wire-size',
      ['updates', 'stateBytes', 'wholeRecordStateBytes', 'logBytes', 'wholeRecordLogBytes', 'recordsJsonBytes'],
    ],
    ['memory', ['nestedYDoc', 'wholeRecordYDoc', 'plainJson']],
    [
      'memory',
      [
        'heapPerRoom',
        'externalPerRoom',
        'heapAndExternalPerRoom',
        'rssPerRoom',
        'heapPerRoomWithClient',
        'heapPerIdleClient',
      ],
    ],
    ['memory', ['baselineHeap', 'heapAfterCycle1', 'heapAfterCycle2', 'heapGrowth', 'heapGrowthPerRoom']],
    ['browser', ['p50', 'p95', 'storeToPeerP50', 'loaded', 'interactive', 'interactiveOverEmpty']],
    [
      'cluster',
      [
        'p50',
        'p99',
        'deliveredFraction',
        'deliveredPerS',
        'cpuPerMsg_server',
        'cpuPerMsg_relays',
        'cpuPerMsg_postgres',
        'cpuPerMsg_redis',
        'cpuPerMsg_haproxy',
        'cpuPerMsg_loadGenerator',
        'cpu_total',
      ],
    ],
    ['room-load', ['loadFromSnapshot', 'loadFromSnapshotPlusTail', 'loadFromLogOnly', 'joinOpenToSynced', 'joinTotal']],
  ]
  for (const [harness, columns, ratios] of sections) {
    const rows = of(harness).filter((r) => columns.some((c) => r.metrics[c]))
    if (rows.length) log(`\n${harness}\n${table(rows, columns, ratios)}`)
  }
  const notes = results.flatMap((r) => (r.notes ?? []).map((n) => `  ${r.name}: ${n}`))
  if (notes.length) log(`\nnotes\n${notes.join('\n')}`)
}

main()
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`)
    killAllChildren()
    process.exit(1)
  })
