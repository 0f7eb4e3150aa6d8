import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { createConnection } from 'node:net'
import { join } from 'node:path'
import { haproxyConfig } from '../../../scripts/haproxyConfig.mjs'
import { withTimeout, type TestContext } from './helpers.ts'
import { freePort, startPostgres, type PostgresCluster } from './postgresFixture.ts'
import { startRedis, type RedisServer } from './redisFixture.ts'
import { spawnServer, type ServerProcess } from './serverProcess.ts'
import { missingService, postgresBinDir, redisServerBin } from './serviceBinaries.ts'

/** Health-check period HAProxy uses here; a relay is out after 2 failed checks, back after 2 good ones. */
/** HAProxy's health-check interval (a relay is out after two failed checks). */
export const CHECK_INTERVAL_MS = 500
/** A relay starting (Postgres migrations included) on a busy 2-core machine. */
const RELAY_READY_TIMEOUT_MS = 60_000

/** Path of `haproxy`: HAPROXY_BIN, or the usual Debian locations. */
export function haproxyBin(): string | null {
  const fromEnv = process.env.HAPROXY_BIN
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null
  return ['/usr/sbin/haproxy', '/usr/bin/haproxy', '/usr/local/sbin/haproxy'].find((c) => existsSync(c)) ?? null
}

/**
 * Why the cluster tests cannot run here (skip outside CI), or null. In CI a missing binary
 * throws instead (see `missingService`).
 */
export function clusterUnavailable(): string | null {
  if (!postgresBinDir()) return missingService('Postgres', 'apt-get install postgresql, or set POSTGRES_BIN_DIR')
  if (!redisServerBin()) return missingService('redis-server', 'apt-get install redis-server, or set REDIS_SERVER_BIN')
  if (!haproxyBin()) return missingService('haproxy', 'apt-get install haproxy, or set HAPROXY_BIN')
  return null
}

/** One relay process of the cluster, on a port of its own that survives restarts. */
export interface ClusterRelay {
  /** NODE_ID and the HAProxy server name: `relay-0`, `relay-1`, … */
  readonly name: string
  readonly port: number
  /** http://127.0.0.1:<port>, bypassing HAProxy. */
  readonly httpBase: string
  /** The running process, or null while it is down. */
  readonly process: ServerProcess | null
  /** What the current (or last) process printed, for failure messages. */
  output(): string
  /** `kill -9`: no shutdown, nothing flushed. */
  kill(): Promise<void>
  /** Graceful stop (SIGTERM: /readyz turns 503, sockets close with 1012). */
  stop(): Promise<void>
  /** Start again with the same port, NODE_ID and data directory. */
  start(): Promise<void>
}

export type HaproxyServerState = 'UP' | 'DOWN' | 'NOLB' | 'MAINT' | string

export interface Cluster {
  /** http://127.0.0.1:<HAProxy port>: what browsers open. */
  readonly url: string
  /** ws://127.0.0.1:<HAProxy port>/yjs */
  readonly wsBase: string
  readonly databaseUrl: string
  readonly redisUrl: string
  readonly postgres: PostgresCluster
  readonly redis: RedisServer
  readonly relays: ClusterRelay[]
  relay(name: string): ClusterRelay
  /** Every relay's state as HAProxy's health checks see it (`show stat` on its admin socket). */
  relayStates(): Promise<Record<string, HaproxyServerState>>
  /** Resolve when HAProxy holds `name` in `state` in the room-hashed backend. */
  waitForRelayState(name: string, state: 'UP' | 'DOWN', ms?: number): Promise<void>
  /** Pids of the cluster's processes by component, for CPU accounting (Postgres: the postmaster). */
  pids(): { relays: number[]; haproxy: number[]; postgres: number[]; redis: number[] }
  /** Stop everything (also done by the context's cleanup). */
  stop(): Promise<void>
}

export interface ClusterOptions {
  /** Number of relays (default 2). */
  relays?: number
  /** Extra environment for every relay. */
  env?: Record<string, string>
  /** HAProxy's cap on one client address's open connections (the template's default otherwise). */
  maxConnectionsPerSource?: number
}

/**
 * A real cluster on this machine: a throwaway Postgres and Redis, N relay processes
 * (`server/src/main.ts` with DATABASE_URL, REDIS_URL and NODE_ID) and HAProxy in front with the
 * configuration `npm run cluster` uses (scripts/haproxyConfig.mjs), health checks included.
 * Everything is torn down with `ctx`.
 */
export async function startCluster(ctx: TestContext, options: ClusterOptions = {}): Promise<Cluster> {
  const count = options.relays ?? 2
  // Crash-safe commits: the tests stop Postgres with `-m immediate` and count what survived.
  const postgres = await startPostgres({ crashSafe: true })
  ctx.onCleanup(() => postgres.stop())
  const redis = await startRedis()
  ctx.onCleanup(() => redis.stop())
  const databaseUrl = await postgres.createDatabase()

  const dir = ctx.tempDir('loopboard-cluster-')
  const haproxyPort = await freePort()
  const url = `http://127.0.0.1:${haproxyPort}`
  const relays: ClusterRelay[] = []
  for (let i = 0; i < count; i++) {
    const name = `relay-${i}`
    const port = await freePort()
    const dataDir = join(dir, name)
    let proc: ServerProcess | null = null
    const env = {
      PORT: String(port),
      NODE_ID: name,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      PUBLIC_URL: url,
      TRUST_PROXY: 'true',
      // Every test client comes from 127.0.0.1 through HAProxy: per-address limits would count
      // the whole test as one client.
      RATE_ROOMS_PER_MINUTE: '100000',
      RATE_AUTH_FAILURES_PER_MINUTE: '100000',
      RATE_SOCKET_COMMANDS_PER_SECOND: '100000',
      ...options.env,
    }
    const relay: ClusterRelay = {
      name,
      port,
      httpBase: `http://127.0.0.1:${port}`,
      get process() {
        return proc && proc.child.exitCode === null && proc.child.signalCode === null ? proc : null
      },
      output: () => proc?.output() ?? '',
      async kill() {
        if (!relay.process) return
        await proc!.stop('SIGKILL')
      },
      async stop() {
        if (!relay.process) return
        await proc!.stop('SIGTERM')
      },
      async start() {
        if (relay.process) throw new Error(`${name} is already running`)
        proc = await spawnServer(ctx, dataDir, env, { readyTimeoutMs: RELAY_READY_TIMEOUT_MS })
        // Listening is not ready: a relay answers /readyz 200 once its database and Redis answer
        // and it has heard the other relays' participants. HAProxy counts a new server as up
        // before its first check, so the cluster must not be used before this.
        await eventually(
          async () => (await fetch(`${relay.httpBase}/readyz`)).status === 200,
          `${name} to be ready (/readyz 200)`,
          RELAY_READY_TIMEOUT_MS
        )
      },
    }
    relays.push(relay)
  }
  // Relays one after the other: the first runs the migrations; the others find them done.
  for (const relay of relays) await relay.start()

  const statsSocket = join(dir, 'haproxy.sock')
  const configFile = join(dir, 'haproxy.cfg')
  writeFileSync(
    configFile,
    haproxyConfig({
      bind: `127.0.0.1:${haproxyPort}`,
      relays: relays.map((r) => ({ name: r.name, address: `127.0.0.1:${r.port}` })),
      checkInterval: `${CHECK_INTERVAL_MS}ms`,
      statsSocket,
      relayHeader: true,
      maxConnectionsPerSource: options.maxConnectionsPerSource,
    })
  )
  const haproxy = spawnHaproxy(configFile)
  ctx.onCleanup(() => haproxy.stop())

  const relayStates = async (): Promise<Record<string, HaproxyServerState>> => {
    const csv = await adminCommand(statsSocket, 'show stat')
    const [header, ...rows] = csv.trim().split('\n')
    const columns = header!.replace(/^# /, '').split(',')
    const at = (name: string) => columns.indexOf(name)
    const states: Record<string, HaproxyServerState> = {}
    for (const row of rows) {
      const cells = row.split(',')
      if (cells[at('pxname')] !== 'relays_by_room') continue
      const server = cells[at('svname')]!
      if (server === 'FRONTEND' || server === 'BACKEND') continue
      // "UP 1/2" while a state change is being confirmed: still the old state.
      states[server] = cells[at('status')]!.split(' ')[0]!
    }
    return states
  }
  const waitForRelayState = async (name: string, state: 'UP' | 'DOWN', ms = 30_000) => {
    const deadline = Date.now() + ms
    let last: HaproxyServerState | undefined
    for (;;) {
      try {
        last = (await relayStates())[name]
      } catch {
        last = undefined // the admin socket is not there yet
      }
      if (last === state) return
      if (Date.now() > deadline)
        throw new Error(`timed out after ${ms} ms waiting for HAProxy to see ${name} ${state} (last: ${last})`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  for (const relay of relays) await waitForRelayState(relay.name, 'UP', RELAY_READY_TIMEOUT_MS)

  return {
    url,
    wsBase: `ws://127.0.0.1:${haproxyPort}/yjs`,
    databaseUrl,
    redisUrl: redis.url,
    postgres,
    redis,
    relays,
    relay(name) {
      const found = relays.find((r) => r.name === name)
      if (!found) throw new Error(`no relay ${name}`)
      return found
    },
    relayStates,
    waitForRelayState,
    pids: () => ({
      relays: relays.flatMap((r) => (r.process?.child.pid ? [r.process.child.pid] : [])),
      haproxy: haproxy.child.pid && haproxy.child.exitCode === null ? [haproxy.child.pid] : [],
      postgres: [postgres.pid()].filter((p): p is number => p !== null),
      redis: [redis.pid()].filter((p): p is number => p !== null),
    }),
    async stop() {
      await haproxy.stop()
      for (const relay of relays) await relay.kill()
      await redis.stop()
      await postgres.stop()
    },
  }
}

function spawnHaproxy(configFile: string): { child: ChildProcess; stop(): Promise<void> } {
  const bin = haproxyBin()
  if (!bin) throw new Error('haproxy not found')
  // -db: stay in the foreground, so the child is HAProxy itself and dies with the test.
  const child = spawn(bin, ['-db', '-f', configFile], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (output += c))
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (output += c))
  let stopping = false
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  void exited.then(() => {
    if (!stopping) process.stderr.write(`haproxy exited (${child.exitCode ?? child.signalCode}):\n${output}\n`)
  })
  return {
    child,
    async stop() {
      stopping = true
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGKILL')
      await exited
    },
  }
}

/** One command on HAProxy's admin socket; resolves with its whole answer. */
function adminCommand(socketPath: string, command: string): Promise<string> {
  return withTimeout(
    new Promise<string>((resolve, reject) => {
      const socket = createConnection(socketPath)
      let answer = ''
      socket.setEncoding('utf8')
      socket.on('connect', () => socket.write(`${command}\n`))
      socket.on('data', (chunk: string) => (answer += chunk))
      socket.on('end', () => resolve(answer))
      socket.on('error', reject)
    }),
    `haproxy admin socket: ${command}`
  )
}

/** Resolve when `check` holds, polling an async condition (server state seen over HTTP, SQL, …). */
export async function eventually(check: () => Promise<boolean>, label: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms
  for (;;) {
    if (await check().catch(() => false)) return
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${label}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}
