import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { join, resolve } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { CreateRoomResponseSchema, ServerInfoSchema } from '@loopboard/protocol'
import { describe, expect, it } from 'vitest'
import { DATABASE_FILE } from '../createServer.ts'
import { httpBase, useTestContext, type TestServer } from './helpers.ts'

const ctx = useTestContext()
const REPO = resolve(import.meta.dirname, '../../..')

/** `npm run keys -- …` as an operator runs it: a separate process on the server's DATA_DIR. */
async function keysCli(dataDir: string, ...args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['server/src/cli/keys.ts', ...args], {
      cwd: REPO,
      env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    })
    return { status: 0, stdout, stderr }
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string }
    return { status: code, stdout, stderr }
  }
}

async function createKey(dataDir: string, label: string): Promise<{ id: string; key: string }> {
  const { status, stdout, stderr } = await keysCli(dataDir, 'create', label)
  expect(status, stderr).toBe(0)
  const id = /Created key (\w+)/.exec(stdout)?.[1]
  const key = /^\s+(lbk_[\w-]+)\s*$/m.exec(stdout)?.[1]
  expect(id && key, stdout).toBeTruthy()
  return { id: id!, key: key! }
}

function postRoom(server: TestServer, key?: string) {
  return fetch(`${httpBase(server)}/api/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ title: 'Loop' }),
  })
}

function dbRows<T>(server: TestServer, sql: string): T[] {
  const db = new DatabaseSync(join(server.dataDir, DATABASE_FILE), { readOnly: true })
  try {
    return db.prepare(sql).all() as T[]
  } finally {
    db.close()
  }
}

async function expectError(res: Response, status: number, code: string) {
  expect(res.status).toBe(status)
  const body = (await res.json()) as { error: { code: string; message: string } }
  expect(body.error.code).toBe(code)
  expect(body.error.message.length).toBeGreaterThan(0)
}

describe('ROOM_CREATION=restricted', () => {
  it('creates rooms only with a live interviewer key, and records which key', async () => {
    const server = await ctx.server({ roomCreation: 'restricted' })
    const info = ServerInfoSchema.parse(await (await fetch(`${httpBase(server)}/api/config`)).json())
    expect(info.roomCreation).toBe('restricted')

    // No key, a malformed header, an unknown key.
    await expectError(await postRoom(server), 401, 'unauthorized')
    await expectError(await postRoom(server, 'lbk_not-a-real-key'), 403, 'forbidden')

    // A key made by the CLI while the server runs: works at once.
    const good = await createKey(server.dataDir, 'Hiring team A')
    const res = await postRoom(server, good.key)
    expect(res.status).toBe(201)
    const room = CreateRoomResponseSchema.parse(await res.json())
    expect((await server.rooms.get(room.roomId))?.createdByKey).toBe(good.id)

    // Only the hash is stored.
    const stored = dbRows<{ id: string; label: string; key_hash: string }>(server, 'SELECT * FROM interviewer_keys')
    expect(stored).toHaveLength(1)
    expect(stored[0]).toMatchObject({ id: good.id, label: 'Hiring team A' })
    expect(JSON.stringify(stored)).not.toContain(good.key)

    // Listed, then revoked: refused from then on, and nothing was created by the refusals.
    const list = await keysCli(server.dataDir, 'list')
    expect(list.stdout).toMatch(new RegExp(`${good.id}\\s.*active\\s+Hiring team A`))
    const revoked = await keysCli(server.dataDir, 'revoke', good.id)
    expect(revoked.status, revoked.stderr).toBe(0)
    await expectError(await postRoom(server, good.key), 403, 'forbidden')
    expect((await keysCli(server.dataDir, 'list')).stdout).toMatch(new RegExp(`${good.id}\\s.*revoked`))
    expect((await keysCli(server.dataDir, 'revoke', good.id)).status).toBe(1)
    expect(dbRows(server, 'SELECT id FROM rooms')).toHaveLength(1)

    // Another key still works.
    const other = await createKey(server.dataDir, 'Hiring team B')
    expect((await postRoom(server, other.key)).status).toBe(201)
  }, 60_000)

  it('the CLI refuses an unknown command or a blank label', async () => {
    const dataDir = ctx.tempDir()
    expect((await keysCli(dataDir, 'frobnicate')).status).toBe(1)
    expect((await keysCli(dataDir, 'create', '   ')).stderr).toMatch(/label/)
    expect((await keysCli(dataDir, 'list')).stdout).toMatch(/No keys yet/)
  }, 30_000)
})

describe('ROOM_CREATION=open (the default)', () => {
  it('creates rooms without a key', async () => {
    const server = await ctx.server()
    const info = ServerInfoSchema.parse(await (await fetch(`${httpBase(server)}/api/config`)).json())
    expect(info.roomCreation).toBe('open')
    const res = await postRoom(server)
    expect(res.status).toBe(201)
    const room = CreateRoomResponseSchema.parse(await res.json())
    expect((await server.rooms.get(room.roomId))?.createdByKey).toBeNull()
  })
})
