import { execFile } from 'node:child_process'
import { resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { InterviewerKeys } from '../rooms/InterviewerKeys.ts'
import { PostgresInterviewerKeyStore } from '../storage/postgres/PostgresInterviewerKeyStore.ts'
import { PostgresStorage } from '../storage/postgres/PostgresStorage.ts'
import { startPostgres, type PostgresCluster } from '../test/postgresFixture.ts'
import { missingService, postgresBinDir } from '../test/serviceBinaries.ts'

const skip = postgresBinDir() ? null : missingService('Postgres', 'apt-get install postgresql, or set POSTGRES_BIN_DIR')
const REPO = resolve(import.meta.dirname, '../../..')

let cluster: PostgresCluster | null = null
beforeAll(async () => {
  if (!skip) cluster = await startPostgres()
}, 90_000)
afterAll(async () => {
  await cluster?.stop()
})

/** `npm run keys -- …` as an operator of a cluster runs it: a process with the relays' DATABASE_URL. */
async function keysCli(databaseUrl: string, ...args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['server/src/cli/keys.ts', ...args], {
      cwd: REPO,
      env: { ...process.env, DATABASE_URL: databaseUrl, DATA_DIR: '/nonexistent/not-used', LOG_LEVEL: 'silent' },
    })
    return { status: 0, stdout, stderr }
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string }
    return { status: code, stdout, stderr }
  }
}

describe.skipIf(skip)('npm run keys with DATABASE_URL', () => {
  it('creates, lists and revokes keys in Postgres, where every relay checks them', async () => {
    const url = await cluster!.createDatabase()
    const created = await keysCli(url, 'create', 'Hiring team')
    expect(created.status, created.stderr).toBe(0)
    const id = /Created key (\w+)/.exec(created.stdout)![1]!
    const key = /^\s+(lbk_[\w-]+)\s*$/m.exec(created.stdout)![1]!
    expect((await keysCli(url, 'list')).stdout).toMatch(new RegExp(`${id} .* active +Hiring team`))

    // What a relay on the same database sees.
    const relay = await PostgresStorage.open({ url })
    try {
      const keys = new InterviewerKeys(new PostgresInterviewerKeyStore(relay.pool))
      expect(await keys.check(key)).toEqual({ ok: true, id })
      expect((await keysCli(url, 'revoke', id)).stdout).toMatch(`Revoked key ${id}.`)
      expect(await keys.check(key)).toEqual({ ok: false, reason: 'revoked' })
    } finally {
      await relay.close()
    }
    const again = await keysCli(url, 'revoke', id)
    expect(again.status).toBe(1)
    expect(again.stderr).toMatch(/No active key/)
  }, 60_000)

  it('says so when the database cannot be reached', async () => {
    const url = (await cluster!.createDatabase()).replace(`:${cluster!.port}/`, ':1/')
    const result = await keysCli(url, 'list')
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/Could not open the database: .*(ECONNREFUSED|connect)/)
  }, 60_000)
})
