import pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startPostgres, type PostgresCluster } from '../../test/postgresFixture.ts'
import { missingService, postgresBinDir } from '../../test/serviceBinaries.ts'
import { PostgresRoomCommands } from './PostgresRoomCommands.ts'
import { PostgresStorage } from './PostgresStorage.ts'
import { runOnceInCluster } from './runOnceInCluster.ts'

const skip = postgresBinDir() ? null : missingService('Postgres', 'apt-get install postgresql, or set POSTGRES_BIN_DIR')

let cluster: PostgresCluster | null = null
beforeAll(async () => {
  if (!skip) cluster = await startPostgres()
}, 90_000)
afterAll(async () => {
  await cluster?.stop()
})

const opened: PostgresStorage[] = []
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close()
})

/** Two relays: two connection pools on one database, with a room in it. */
async function twoNodes() {
  const url = await cluster!.createDatabase()
  const nodes = [await PostgresStorage.open({ url }), await PostgresStorage.open({ url })] as const
  opened.push(...nodes)
  await nodes[0].createRoom(
    { id: 'r1', title: 'One', createdAt: 1 },
    { interviewer: 'i', candidate: 'c', observer: 'o' }
  )
  return { url, nodes }
}

interface Interview {
  phase: number
  revealed: string[]
}
const fresh = (): Interview => ({ phase: 0, revealed: [] })

describe.skipIf(skip)('cluster coordination in Postgres', () => {
  it('applies 200 concurrent commands from two nodes exactly once each, none from a stale state', async () => {
    const { nodes } = await twoNodes()
    const commands = nodes.map((n) => new PostgresRoomCommands<Interview>(n.pool, fresh))
    // Each command reveals hint h<i % 20> unless already revealed, and advances the phase by one:
    // lost updates would lose phases, stale reads would reveal a hint twice.
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        commands[i % 2]!.apply('r1', ({ state }) => {
          const hint = `h${i % 20}`
          return {
            phase: state.phase + 1,
            revealed: state.revealed.includes(hint) ? state.revealed : [...state.revealed, hint],
          }
        })
      )
    )
    const final = await commands[1]!.read('r1')
    expect(final.version).toBe(200)
    expect(final.state.phase).toBe(200)
    expect(final.state.revealed).toHaveLength(20)
    expect(new Set(final.state.revealed).size).toBe(20)
  })

  it('stores nothing when a command refuses', async () => {
    const { nodes } = await twoNodes()
    const commands = new PostgresRoomCommands<Interview>(nodes[0].pool, fresh)
    expect(await commands.read('r1')).toEqual({ state: fresh(), version: 0 })
    await commands.apply('r1', ({ state }) => ({ ...state, phase: 1 }))
    await expect(
      commands.apply('r1', () => {
        throw new Error('phase already ended')
      })
    ).rejects.toThrow('phase already ended')
    expect(await commands.read('r1')).toEqual({ state: { phase: 1, revealed: [] }, version: 1 })
    // The connection went back to the pool in a usable state.
    await nodes[0].ping()
  })

  it('survives its connection being cut mid-command: the command fails, nothing is stored, the pool goes on', async () => {
    const { url, nodes } = await twoNodes()
    const commands = new PostgresRoomCommands<Interview>(nodes[0].pool, fresh)
    let release!: () => void
    const held = new Promise<void>((r) => (release = r))
    let inside = false
    // Between two queries of the command's transaction, holding the room's lock.
    const cut = commands.underLock('r1', 1, async (client) => {
      inside = true
      await held
      await client.query('UPDATE interview_state SET state = \'{"phase": 9, "revealed": []}\' WHERE room_id = \'r1\'')
    })
    await expect.poll(() => inside, { timeout: 10_000 }).toBe(true)
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    try {
      await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'idle in transaction'"
      )
    } finally {
      await admin.end()
    }
    // Give the termination time to reach the client while it waits between queries.
    await new Promise((r) => setTimeout(r, 200))
    release()
    await expect(cut).rejects.toThrow()
    // Nothing of it was stored, and the next command on the same pool works.
    expect(await commands.read('r1')).toEqual({ state: fresh(), version: 0 })
    await commands.apply('r1', ({ state }) => ({ ...state, phase: 1 }))
    expect((await commands.read('r1')).state.phase).toBe(1)
  })

  it('runs background work on one node at a time; the others skip the round', async () => {
    const { nodes } = await twoNodes()
    let release!: () => void
    const held = new Promise<void>((r) => (release = r))
    let runs = 0
    const first = runOnceInCluster(nodes[0].pool, 'retention', async () => {
      runs++
      await held
      return 'swept'
    })
    // Wait until the first node holds the lock and is inside its work.
    await expect.poll(() => runs, { timeout: 10_000 }).toBe(1)
    expect(await runOnceInCluster(nodes[1].pool, 'retention', async () => runs++)).toEqual({ ran: false })
    // Another job's lock is independent.
    expect(await runOnceInCluster(nodes[1].pool, 'snapshots', async () => 'done')).toEqual({
      ran: true,
      result: 'done',
    })
    release()
    expect(await first).toEqual({ ran: true, result: 'swept' })
    expect(await runOnceInCluster(nodes[1].pool, 'retention', async () => 'next round')).toEqual({
      ran: true,
      result: 'next round',
    })
  })

  it('frees the lock when the node holding it loses its connection mid-work', async () => {
    const { url, nodes } = await twoNodes()
    let release!: () => void
    const held = new Promise<void>((r) => (release = r))
    let inside = false
    const dying = runOnceInCluster(nodes[0].pool, 'retention', async () => {
      inside = true
      await held
    })
    await expect.poll(() => inside, { timeout: 10_000 }).toBe(true)
    // The node's session ends as it would when its process is killed.
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    try {
      const { rowCount } = await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted"
      )
      expect(rowCount).toBe(1)
    } finally {
      await admin.end()
    }
    await expect
      .poll(async () => (await runOnceInCluster(nodes[1].pool, 'retention', async () => 'taken over')).ran, {
        timeout: 10_000,
      })
      .toBe(true)
    release()
    await dying
    // The dead connection was discarded: the first node's pool still works.
    await nodes[0].ping()
  })
})
