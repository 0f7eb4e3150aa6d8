import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { RELAY_NODE_FLAGS } from '../../scripts/relayNodeFlags.mjs'

export const REPO_ROOT = resolve(import.meta.dirname, '../..')
const GUARD = resolve(REPO_ROOT, 'bench/lib/orphanGuard.ts')

/** The relays the latency harness compares, plus the in-process Loopboard used for heap readings. */
export type RelayKind = 'raw' | 'y-websocket-server' | 'loopboard' | 'loopboard-ipc'

export interface RelayProcess {
  kind: RelayKind
  pid: number
  child: ChildProcess
  port: number
  httpBase: string
  /** Base URL for `WebsocketProvider`: rooms are `<wsBase>/<roomId>`. */
  wsBase: string
  dataDir: string | null
  /** {@link sourceHash} when the process was started. */
  source: string
  /** The node flags it was started with (the relay's own, as `npm start` gives them, and the step's). */
  nodeFlags: string[]
  output(): string
  /** SIGTERM, then SIGKILL after `graceMs`; removes the data dir. */
  stop(graceMs?: number): Promise<void>
}

export interface SpawnOptions {
  env?: Record<string, string>
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeFlags?: string[]
  readyTimeoutMs?: number
}

const live = new Set<ChildProcess>()
let hooked = false

/** Kill every child still running; called on any exit of the bench process, orderly or not. */
export function killAllChildren(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
  live.clear()
}

function hookExit() {
  if (hooked) return
  hooked = true
  process.on('exit', killAllChildren)
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer()
    server.once('error', fail)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => done(port))
    })
  })
}

/** Rate limits high enough for a bench that creates and joins thousands of rooms from 127.0.0.1. */
const BENCH_RATES = {
  RATE_ROOMS_PER_MINUTE: '1000000',
  RATE_AUTH_FAILURES_PER_MINUTE: '1000000',
  // Every bench client connects from 127.0.0.1: hundreds of rooms' sockets at once.
  MAX_CONNECTIONS_PER_ADDRESS: '100000',
}

function command(kind: RelayKind, port: number): { args: string[]; env: Record<string, string>; ready: RegExp } {
  switch (kind) {
    case 'loopboard':
      return {
        // As `npm start` runs it.
        args: [...RELAY_NODE_FLAGS, resolve(REPO_ROOT, 'server/src/main.ts')],
        // LOG_LEVEL=info: the ready line is logged at info; the relay logs nothing else at info per frame.
        // The bench creates hundreds of rooms from one address in seconds: lift the per-address limits.
        env: { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', PUBLIC_URL: '', ...BENCH_RATES },
        ready: /ready at http:\/\/[^:\s]+:(\d+)/,
      }
    case 'loopboard-ipc':
      return {
        args: [...RELAY_NODE_FLAGS, '--expose-gc', resolve(REPO_ROOT, 'bench/relayProcess.ts')],
        env: { ...BENCH_RATES },
        ready: /ready at http:\/\/[^:\s]+:(\d+)/,
      }
    case 'raw':
      return {
        args: [resolve(REPO_ROOT, 'bench/baselines/rawRelay.ts')],
        env: { PORT: '0' },
        ready: /ready at http:\/\/[^:\s]+:(\d+)/,
      }
    case 'y-websocket-server':
      // The package's own bin, unchanged; it cannot report a port picked by the OS, so pick one first.
      return {
        args: [resolve(REPO_ROOT, 'node_modules/@y/websocket-server/src/server.js')],
        env: { HOST: '127.0.0.1', PORT: String(port) },
        ready: /on port (\d+)/,
      }
  }
}

/** Start one relay as its own child process and wait for its ready line. */
export async function spawnRelay(kind: RelayKind, options: SpawnOptions = {}): Promise<RelayProcess> {
  hookExit()
  const port = kind === 'y-websocket-server' ? await freePort() : 0
  const source = sourceHash()
  const { args, env, ready } = command(kind, port)
  const dataDir = kind.startsWith('loopboard') ? mkdtempSync(join(tmpdir(), 'loopboard-bench-')) : null
  const script = args[args.length - 1]!
  const flags = [...args.slice(0, -1), ...(options.nodeFlags ?? []), '--import', GUARD]
  const child = spawn(process.execPath, [...flags, script], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, ...(dataDir ? { DATA_DIR: dataDir } : {}), ...options.env },
    stdio: kind === 'loopboard-ipc' ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  })
  live.add(child)
  let output = ''
  const append = (chunk: string) => {
    output = (output + chunk).slice(-20_000)
  }
  child.stdout!.setEncoding('utf8').on('data', append)
  child.stderr!.setEncoding('utf8').on('data', append)
  const exited = new Promise<void>((done) =>
    child.once('exit', () => {
      live.delete(child)
      done()
    })
  )

  const readyPort = await new Promise<number>((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`${kind} relay not ready after ${options.readyTimeoutMs ?? 20_000} ms:\n${output}`)),
      options.readyTimeoutMs ?? 20_000
    )
    const check = () => {
      const match = ready.exec(output)
      if (!match) return
      clearTimeout(timer)
      done(Number(match[1]))
    }
    child.stdout!.on('data', check)
    void exited.then(() => {
      clearTimeout(timer)
      fail(new Error(`${kind} relay exited (${child.exitCode ?? child.signalCode}) before ready:\n${output}`))
    })
  }).catch((error: unknown) => {
    child.kill('SIGKILL')
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
    throw error
  })

  return {
    kind,
    pid: child.pid!,
    child,
    port: readyPort,
    httpBase: `http://127.0.0.1:${readyPort}`,
    wsBase: `ws://127.0.0.1:${readyPort}/yjs`,
    dataDir,
    source,
    nodeFlags: [...args.slice(0, -1), ...(options.nodeFlags ?? [])],
    output: () => output,
    stop: async (graceMs = 5_000) => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
        await exited
        clearTimeout(timer)
      }
      if (dataDir) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

let clockTicks: number | null = null

function ticksPerSecond(): number {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    } catch {
      clockTicks = 100
    }
  }
  return clockTicks
}

/** User + system CPU seconds a process has used so far (Linux `/proc/<pid>/stat`). */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name (which may contain spaces) start at field 3 (state).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond()
}

/** Resident set size of a process in bytes (`VmRSS` of `/proc/<pid>/status`). */
export function processRssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return match ? Number(match[1]) * 1024 : NaN
}

/** Run `fn` over `items` with at most `limit` in flight. */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i]!, i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}

let nextRequestId = 1

/** One request/answer over the IPC channel of a `loopboard-ipc` relay (see bench/relayProcess.ts). */
export function ask<T>(relay: RelayProcess, request: { type: string; [key: string]: unknown }, timeoutMs = 60_000) {
  const id = nextRequestId++
  return new Promise<T>((done, fail) => {
    const timer = setTimeout(() => {
      relay.child.off('message', onMessage)
      fail(new Error(`relay did not answer ${request.type} in ${timeoutMs} ms`))
    }, timeoutMs)
    const onMessage = (message: { id: number; ok: boolean; value?: T; error?: string }) => {
      if (message.id !== id) return
      clearTimeout(timer)
      relay.child.off('message', onMessage)
      if (message.ok) done(message.value as T)
      else fail(new Error(message.error))
    }
    relay.child.on('message', onMessage)
    relay.child.send({ ...request, id })
  })
}

/** Busy and iowait CPU seconds of the whole machine so far, summed over cores (`/proc/stat`). */
export function systemCpuSeconds(): { busy: number; iowait: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!
  const [user = 0, nice = 0, system = 0, , iowait = 0, irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number)
  const ticks = ticksPerSecond()
  return { busy: (user + nice + system + irq + softirq + steal) / ticks, iowait: iowait / ticks }
}

/**
 * A short hash of the server and package sources (tracked or not). Others may edit the server
 * while a run is going; results record the hash so a run that straddled a change shows it.
 */
export function sourceHash(): string {
  const hash = createHash('sha1')
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
        hash.update(path).update(readFileSync(path))
    }
  }
  walk(join(REPO_ROOT, 'server/src'))
  for (const pkg of readdirSync(join(REPO_ROOT, 'packages')).sort()) {
    if (existsSync(join(REPO_ROOT, 'packages', pkg, 'src'))) walk(join(REPO_ROOT, 'packages', pkg, 'src'))
  }
  return hash.digest('hex').slice(0, 12)
}
