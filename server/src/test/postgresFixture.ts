import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chownSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { withTimeout } from './helpers.ts'
import { postgresBinDir } from './serviceBinaries.ts'

/** Starting a fresh cluster (initdb + first connection) on a busy 2-core machine. */
const START_TIMEOUT_MS = 60_000

export interface PostgresCluster {
  port: number
  /** A new empty database on this cluster, and its connection URL. */
  createDatabase(): Promise<string>
  /** `pg_ctl stop -m immediate`: no shutdown checkpoint, clients cut off; recovery runs at restart. */
  stopImmediately(): Promise<void>
  /** Start the stopped server again on the same port and data. */
  restart(): Promise<void>
  /** The postmaster's pid while it runs (its backends are its children), for CPU accounting. */
  pid(): number | null
  stop(): Promise<void>
}

/** A free TCP port on 127.0.0.1 (the OS picks; closed again before it is used). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

export interface StartPostgresOptions {
  /**
   * Keep `synchronous_commit` on, so a commit survives the server being killed or stopped with
   * `-m immediate` (fsync stays off: the killed process's writes are still in the OS page cache).
   */
  crashSafe?: boolean
}

/**
 * A throwaway Postgres cluster: initdb in a temp dir, `postgres` on a free port on 127.0.0.1
 * with its socket in that dir. As root (CI containers) the server runs as the `postgres` user,
 * which Postgres requires. Durability settings are off: the tests check behaviour, not disks.
 */
export async function startPostgres({ crashSafe = false }: StartPostgresOptions = {}): Promise<PostgresCluster> {
  const bin = postgresBinDir()
  if (!bin) throw new Error('Postgres binaries not found')
  const asRoot = process.getuid?.() === 0
  const dir = mkdtempSync(join(tmpdir(), 'loopboard-pg-'))
  const dataDir = join(dir, 'data')
  const run = (command: string, args: string[]) =>
    (asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args]) as [string, string[]]
  if (asRoot) chownSync(dir, uidOf('postgres'), gidOf('postgres'))

  const [initCmd, initArgs] = run(join(bin, 'initdb'), [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--auth=trust',
    '--no-sync',
    '-E',
    'UTF8',
  ])
  const init = spawnSync(initCmd, initArgs, { encoding: 'utf8' })
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`)

  const port = await freePort()
  let child: ChildProcess | null = null
  let output = ''
  let databases = 0
  const launch = async () => {
    const [cmd, args] = run(join(bin, 'postgres'), [
      '-D',
      dataDir,
      '-k',
      dir,
      '-p',
      String(port),
      '-h',
      '127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      `synchronous_commit=${crashSafe ? 'on' : 'off'}`,
      '-c',
      'full_page_writes=off',
    ])
    output = ''
    const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    proc.stdout!.setEncoding('utf8').on('data', (c: string) => (output += c))
    proc.stderr!.setEncoding('utf8').on('data', (c: string) => (output += c))
    child = proc
    await withTimeout(
      (async () => {
        for (;;) {
          if (proc.exitCode !== null) throw new Error(`postgres exited ${proc.exitCode}:\n${output}`)
          const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' })
          try {
            await client.connect()
            await client.end()
            return
          } catch {
            await client.end().catch(() => {})
            await new Promise((r) => setTimeout(r, 100))
          }
        }
      })(),
      `postgres to accept connections on port ${port}`,
      START_TIMEOUT_MS
    )
  }
  /** The postmaster, whether or not it runs under runuser (which forwards signals but not SIGKILL). */
  const postmasterPid = (): number | null => {
    const found = spawnSync('cat', [join(dataDir, 'postmaster.pid')], { encoding: 'utf8' })
    const pid = Number(found.stdout.split('\n')[0])
    return Number.isInteger(pid) && pid > 0 ? pid : null
  }
  const waitExit = (proc: ChildProcess | null) =>
    proc && proc.exitCode === null && proc.signalCode === null
      ? withTimeout(new Promise<void>((r) => proc.once('exit', () => r())), 'postgres to exit', 30_000)
      : Promise.resolve()

  await launch()
  return {
    port,
    async createDatabase() {
      const name = `t${++databases}_${process.pid}`
      const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' })
      await admin.connect()
      try {
        await admin.query(`CREATE DATABASE ${name}`)
      } finally {
        await admin.end()
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`
    },
    async stopImmediately() {
      const [cmd, args] = run(join(bin, 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'immediate', '-w'])
      const stopped = spawnSync(cmd, args, { encoding: 'utf8' })
      if (stopped.status !== 0) throw new Error(`pg_ctl stop failed: ${stopped.stderr || stopped.stdout}`)
      await waitExit(child)
    },
    restart: launch,
    pid: postmasterPid,
    async stop() {
      const pid = postmasterPid()
      if (pid && child && child.exitCode === null) process.kill(pid, 'SIGQUIT')
      await waitExit(child).catch(() => {
        const again = postmasterPid()
        if (again) process.kill(again, 'SIGKILL')
      })
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

function idOf(flag: '-u' | '-g', user: string): number {
  const result = spawnSync('id', [flag, user], { encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`no ${user} user: ${result.stderr}`)
  return Number(result.stdout.trim())
}
const uidOf = (user: string) => idOf('-u', user)
const gidOf = (user: string) => idOf('-g', user)
