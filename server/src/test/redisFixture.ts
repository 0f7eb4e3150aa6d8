import { spawn, type ChildProcess } from 'node:child_process'
import { Redis } from 'ioredis'
import { withTimeout } from './helpers.ts'
import { freePort } from './postgresFixture.ts'
import { redisServerBin } from './serviceBinaries.ts'

const START_TIMEOUT_MS = 20_000

export interface RedisServer {
  url: string
  /** `kill -9`: everything in memory is gone. */
  kill(): Promise<void>
  /** Start again, empty, on the same port. */
  restart(): Promise<void>
  /** The server's pid while it runs, for CPU accounting. */
  pid(): number | null
  stop(): Promise<void>
}

/** A throwaway redis-server on a free port, in memory only (no RDB, no AOF). */
export async function startRedis(): Promise<RedisServer> {
  const bin = redisServerBin()
  if (!bin) throw new Error('redis-server not found')
  const port = await freePort()
  let child: ChildProcess | null = null
  let output = ''

  const launch = async () => {
    output = ''
    const proc = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    proc.stdout!.setEncoding('utf8').on('data', (c: string) => (output += c))
    proc.stderr!.setEncoding('utf8').on('data', (c: string) => (output += c))
    child = proc
    await withTimeout(
      (async () => {
        for (;;) {
          if (proc.exitCode !== null) throw new Error(`redis-server exited ${proc.exitCode}:\n${output}`)
          const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null })
          probe.on('error', () => {})
          try {
            await probe.connect()
            await probe.ping()
            return
          } catch {
            await new Promise((r) => setTimeout(r, 50))
          } finally {
            probe.disconnect()
          }
        }
      })(),
      `redis-server to answer on port ${port}`,
      START_TIMEOUT_MS
    )
  }
  const kill = async () => {
    const proc = child
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return
    const exited = new Promise<void>((r) => proc.once('exit', () => r()))
    proc.kill('SIGKILL')
    await exited
  }

  await launch()
  const pid = () => {
    const proc = child as ChildProcess | null
    return proc && proc.exitCode === null && proc.signalCode === null ? (proc.pid ?? null) : null
  }
  return { url: `redis://127.0.0.1:${port}`, kill, restart: launch, stop: kill, pid }
}
