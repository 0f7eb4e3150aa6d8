import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Tests that need a real Postgres or Redis skip, with a message, when the binaries are absent
 * on a developer's machine, and fail in CI (`CI=true`), where their absence is a setup error.
 */
export function missingService(what: string, hint: string): string | null {
  const message = `${what} not found (${hint})`
  if (process.env.CI === 'true' || process.env.CI === '1') {
    throw new Error(`${message}: CI must install it (.ci/run does).`)
  }
  process.stderr.write(`skipping: ${message}\n`)
  return message
}

/** Directory of Postgres's server binaries: POSTGRES_BIN_DIR, or the newest Debian install. */
export function postgresBinDir(): string | null {
  const fromEnv = process.env.POSTGRES_BIN_DIR
  if (fromEnv) return existsSync(join(fromEnv, 'initdb')) ? fromEnv : null
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) return null
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))
  return versions[0] ? join(root, versions[0], 'bin') : null
}

/** Path of `redis-server`: REDIS_SERVER_BIN, or the usual Debian locations. */
export function redisServerBin(): string | null {
  const fromEnv = process.env.REDIS_SERVER_BIN
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null
  return ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((c) => existsSync(c)) ?? null
}
