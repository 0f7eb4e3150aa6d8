// `npm run keys -- create "<label>" | list | revoke <id>`: the interviewer keys that may create
// rooms when ROOM_CREATION=restricted. Works on the server's database — Postgres when
// DATABASE_URL is set, else the SQLite file in DATA_DIR — also while the server runs.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfig, type Config } from '../config.ts'
import { InterviewerKeys } from '../rooms/InterviewerKeys.ts'
import { sqliteInterviewerKeyStore } from '../rooms/SqliteInterviewerKeyStore.ts'
import { openSqliteDatabase } from '../storage/openSqliteDatabase.ts'
import { PostgresInterviewerKeyStore } from '../storage/postgres/PostgresInterviewerKeyStore.ts'
import { PostgresStorage } from '../storage/postgres/PostgresStorage.ts'
import { DATABASE_FILE } from '../storage/SqliteStorage.ts'

const USAGE = `Usage:
  npm run keys -- create "<label>"   make a key (printed once; only its hash is stored)
  npm run keys -- list               every key: id, label, created, revoked
  npm run keys -- revoke <id>        a revoked key creates no more rooms`

const out = (line: string) => process.stdout.write(`${line}\n`)
const fail = (message: string): never => {
  process.stderr.write(`${message}\n`)
  process.exit(1)
}

if (existsSync('.env')) process.loadEnvFile('.env')
const [command, ...args] = process.argv.slice(2)
if (!command || !['create', 'list', 'revoke'].includes(command)) fail(USAGE)

let config: Config | undefined
try {
  config = loadConfig()
} catch (error) {
  fail((error as Error).message)
}
const { databaseUrl, dataDir } = config!

/** The keys where the server keeps them, and how to let go of the database. */
async function openKeys(): Promise<{ keys: InterviewerKeys; close: () => Promise<void> }> {
  if (databaseUrl) {
    const postgres = await PostgresStorage.open({ url: databaseUrl })
    return { keys: new InterviewerKeys(new PostgresInterviewerKeyStore(postgres.pool)), close: () => postgres.close() }
  }
  const database = openSqliteDatabase(join(dataDir, DATABASE_FILE))
  return { keys: new InterviewerKeys(sqliteInterviewerKeyStore(database)), close: async () => database.close() }
}

const opened = await openKeys().catch((error: Error) => fail(`Could not open the database: ${error.message}`))
const { keys } = opened
const when = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16)

try {
  if (command === 'create') {
    if (args.length !== 1) fail(USAGE)
    const created = await keys.create(args[0]!)
    out(`Created key ${created.id} ("${created.label}"). Give this key to the interviewer; it is not shown again:`)
    out('')
    out(`  ${created.key}`)
    out('')
  } else if (command === 'list') {
    const all = await keys.list()
    if (!all.length) out('No keys yet. Create one with: npm run keys -- create "<label>"')
    for (const k of all) {
      out(
        `${k.id}  ${when(k.createdAt)}  ${k.revokedAt === null ? 'active ' : `revoked ${when(k.revokedAt)}`}  ${k.label}`
      )
    }
  } else {
    if (args.length !== 1) fail(USAGE)
    if (!(await keys.revoke(args[0]!))) fail(`No active key "${args[0]}" (see: npm run keys -- list).`)
    out(`Revoked key ${args[0]}.`)
  }
} catch (error) {
  fail((error as Error).message)
} finally {
  await opened.close()
}
