import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startPostgres, type PostgresCluster } from '../../test/postgresFixture.ts'
import { missingService, postgresBinDir } from '../../test/serviceBinaries.ts'
import { storageContract } from '../storageContract.ts'
import { PostgresStorage, snapshotLockName } from './PostgresStorage.ts'

const skip = postgresBinDir() ? null : missingService('Postgres', 'apt-get install postgresql, or set POSTGRES_BIN_DIR')

/** One throwaway cluster for this file; every test gets a database of its own. */
let cluster: PostgresCluster | null = null
beforeAll(async () => {
  if (!skip) cluster = await startPostgres()
}, 90_000)
afterAll(async () => {
  await cluster?.stop()
})

describe.skipIf(skip)('Postgres', () => {
  storageContract('PostgresStorage', async () => {
    const url = await cluster!.createDatabase()
    const reopen = () => PostgresStorage.open({ url })
    return Object.assign(await reopen(), { reopen })
  })

  it('writes a room\u2019s snapshot from one relay at a time, and never one older than the stored one', async () => {
    const url = await cluster!.createDatabase()
    const storage = await PostgresStorage.open({ url })
    const other = new pg.Client({ connectionString: url })
    await other.connect()
    try {
      await storage.createRoom(
        { id: 'r1', title: 'T', createdAt: 1 },
        { interviewer: 'i', candidate: 'c', observer: 'o' }
      )
      await storage.commitUpdates(
        [1, 2, 3].map(() => ({
          roomId: 'r1',
          update: { ts: 1, author: 'interviewer' as const, update: Uint8Array.of(0) },
        }))
      )
      // Another relay is writing this room's snapshot: this one skips.
      await other.query('BEGIN')
      await other.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [snapshotLockName('r1')])
      await storage.saveSnapshot('r1', 2, Uint8Array.of(0xa2), 2)
      expect((await storage.loadRoomState('r1')).snapshotSeq).toBe(0)
      // Once that relay is done, this one writes.
      await other.query('COMMIT')
      await storage.saveSnapshot('r1', 3, Uint8Array.of(0xa3), 3)
      expect((await storage.loadRoomState('r1')).snapshotSeq).toBe(3)
      // A relay that is behind adds nothing older.
      await storage.saveSnapshot('r1', 2, Uint8Array.of(0xa2), 4)
      const { rows } = await other.query('SELECT upto_seq FROM room_snapshots WHERE room_id = $1', ['r1'])
      expect(rows.map((r: { upto_seq: number }) => Number(r.upto_seq))).toEqual([3])
    } finally {
      await other.end()
      await storage.close()
    }
  })

  it('migrates once, even when several relays start at the same moment', async () => {
    const url = await cluster!.createDatabase()
    const stores = await Promise.all([1, 2, 3].map(() => PostgresStorage.open({ url })))
    try {
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      try {
        const { rows } = await client.query<{ name: string }>('SELECT name FROM schema_migrations')
        expect(rows.map((r) => r.name)).toEqual(['1764590000000_initial', '1764600000000_drafts'])
        const tables = await client.query<{ table_name: string }>(
          "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name"
        )
        expect(tables.rows.map((r) => r.table_name)).toEqual([
          'audio_chunks',
          'audio_tracks',
          'custom_prompts',
          'drafts',
          'events',
          'feedback',
          'interview_state',
          'interviewer_keys',
          'notes',
          'recording_consent',
          'recordings',
          'room_snapshots',
          'room_tokens',
          'room_updates',
          'rooms',
          'schema_migrations',
          'scorecards',
        ])
      } finally {
        await client.end()
      }
      // All three work on the one schema.
      await stores[0]!.createRoom(
        { id: 'r1', title: 'One', createdAt: 1 },
        { interviewer: 'i', candidate: 'c', observer: 'o' }
      )
      expect((await stores[2]!.getRoom('r1'))?.title).toBe('One')
    } finally {
      await Promise.all(stores.map((s) => s.close()))
    }
  })

  it('fails to open with a clear error when the server is unreachable', async () => {
    const url = (await cluster!.createDatabase()).replace(`:${cluster!.port}/`, ':1/')
    await expect(PostgresStorage.open({ url })).rejects.toThrow(/ECONNREFUSED|connect/)
  })
})
