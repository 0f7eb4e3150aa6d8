import { spawn, type ChildProcess } from 'node:child_process'
import { resolve } from 'node:path'
import { RELAY_NODE_FLAGS } from '../../../scripts/relayNodeFlags.mjs'
import { withTimeout, type TestContext } from './helpers.ts'

const REPO_ROOT = resolve(import.meta.dirname, '../../..')
const MAIN = resolve(REPO_ROOT, 'server/src/main.ts')

export interface ServerProcess {
  child: ChildProcess
  port: number
  /** The URL from the ready line. */
  url: string
  /** http://127.0.0.1:<port> (the ready line says localhost, which may resolve to ::1). */
  httpBase: string
  wsBase: string
  output(): string
  /** Send `signal` and wait for the process to exit; resolves with its exit code or signal. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** `node server/src/main.ts` (with the flags `npm start` gives it) as a real child process on a free port, torn down with the context. */
export async function spawnServer(
  ctx: TestContext,
  dataDir: string,
  env: Record<string, string> = {},
  { readyTimeoutMs = 15_000 }: { readyTimeoutMs?: number } = {}
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...RELAY_NODE_FLAGS, MAIN], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', PUBLIC_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal }))
  )
  ctx.onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL')
      await exited
    }
  })

  const url = await withTimeout(
    new Promise<string>((resolveUrl, reject) => {
      const check = () => {
        const match = /ready at (http:\/\/\S+)/.exec(output)
        if (match) resolveUrl(match[1]!)
      }
      child.stdout.on('data', check)
      void exited.then(({ code, signal }) =>
        reject(new Error(`server exited (${code ?? signal}) before ready:\n${output}`))
      )
    }),
    'the server process to print its ready line',
    readyTimeoutMs
  )
  const port = Number(new URL(url).port)
  return {
    child,
    port,
    url,
    httpBase: `http://127.0.0.1:${port}`,
    wsBase: `ws://127.0.0.1:${port}/yjs`,
    output: () => output,
    stop: (signal = 'SIGTERM') => {
      child.kill(signal)
      return withTimeout(exited, `the server process to exit on ${signal}`, 10_000)
    },
  }
}
