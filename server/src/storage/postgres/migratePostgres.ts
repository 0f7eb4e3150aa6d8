import { resolve } from 'node:path'
import { runner } from 'node-pg-migrate'
import type pg from 'pg'
import type { Logger } from '../../logger.ts'

/** SQL migrations, `<timestamp>_<name>.sql`, each with `-- Up Migration` / `-- Down Migration`. */
export const POSTGRES_MIGRATIONS_DIR = resolve(import.meta.dirname, 'migrations')
/** node-pg-migrate's record of what has run. */
const MIGRATIONS_TABLE = 'schema_migrations'

/**
 * Bring the database's schema up to date (node-pg-migrate). Relays starting together wait for
 * each other on node-pg-migrate's advisory lock instead of failing, and all pending migrations
 * run in one transaction: a failure leaves the schema as it was.
 */
export async function migratePostgres(client: pg.ClientBase, logger?: Logger): Promise<string[]> {
  const ran = await runner({
    dbClient: client,
    dir: POSTGRES_MIGRATIONS_DIR,
    migrationsTable: MIGRATIONS_TABLE,
    direction: 'up',
    checkOrder: true,
    singleTransaction: true,
    advisoryLockMode: 'wait',
    log: () => {},
  })
  const names = ran.map((m) => m.name)
  if (names.length) logger?.info('postgres schema migrated', { migrations: names })
  return names
}
