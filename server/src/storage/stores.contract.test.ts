import { join } from 'node:path'
import { afterAll, beforeAll, describe } from 'vitest'
import { AudioFiles } from '../audioRecording/AudioFiles.ts'
import { recordingStoreContract } from '../audioRecording/recordingStoreContract.ts'
import { SqliteRecordingStore } from '../audioRecording/SqliteRecordingStore.ts'
import { interviewerKeyStoreContract } from '../rooms/interviewerKeyStoreContract.ts'
import { sqliteInterviewerKeyStore } from '../rooms/SqliteInterviewerKeyStore.ts'
import { startPostgres, type PostgresCluster } from '../test/postgresFixture.ts'
import { useTestContext } from '../test/helpers.ts'
import { missingService, postgresBinDir } from '../test/serviceBinaries.ts'
import { asyncStorage } from './AsyncStorage.ts'
import { interviewStoreContract, type StoreUnderTest } from './interviewStoreContract.ts'
import type { InterviewStore } from './InterviewStore.ts'
import { openSqliteDatabase } from './openSqliteDatabase.ts'
import { PostgresInterviewerKeyStore } from './postgres/PostgresInterviewerKeyStore.ts'
import { PostgresInterviewStore } from './postgres/PostgresInterviewStore.ts'
import { PostgresRecordingStore } from './postgres/PostgresRecordingStore.ts'
import { PostgresStorage } from './postgres/PostgresStorage.ts'
import { sqliteInterviewStore } from './SqliteInterviewStore.ts'
import { SqliteStorage } from './SqliteStorage.ts'

// The interview, recording and interviewer-key stores, each against the embedded SQLite and a
// real Postgres: the same suites, so the two backends cannot drift apart.

const ctx = useTestContext()

/** The embedded database as createServer opens it: one file, every store on its connection. */
function sqlite<S>(make: (db: ReturnType<typeof openSqliteDatabase>, dir: string) => S) {
  return async (): Promise<StoreUnderTest<S>> => {
    const dir = ctx.tempDir()
    const db = openSqliteDatabase(join(dir, 'loopboard.db'))
    const storage = new SqliteStorage(db)
    return {
      store: make(db, dir),
      storage: asyncStorage(storage),
      interview: sqliteInterviewStore(db),
      close: async () => storage.close(),
    }
  }
}

interviewStoreContract(
  'SQLite',
  sqlite((db) => sqliteInterviewStore(db))
)
recordingStoreContract(
  'SQLite',
  sqlite((db, dir) => new SqliteRecordingStore(db, new AudioFiles(join(dir, 'recordings'))))
)
interviewerKeyStoreContract(
  'SQLite',
  sqlite((db) => sqliteInterviewerKeyStore(db))
)

const skip = postgresBinDir() ? null : missingService('Postgres', 'apt-get install postgresql, or set POSTGRES_BIN_DIR')

/** One throwaway cluster for this file; every test gets a database of its own. */
let cluster: PostgresCluster | null = null
beforeAll(async () => {
  if (!skip) cluster = await startPostgres()
}, 90_000)
afterAll(async () => {
  await cluster?.stop()
})

function postgres<S>(make: (pool: PostgresStorage['pool']) => S) {
  return async (): Promise<StoreUnderTest<S>> => {
    const storage = await PostgresStorage.open({ url: await cluster!.createDatabase() })
    const interview: InterviewStore = new PostgresInterviewStore(storage.pool)
    return { store: make(storage.pool), storage, interview, close: () => storage.close() }
  }
}

describe.skipIf(skip)('Postgres', () => {
  interviewStoreContract(
    'Postgres',
    postgres((pool) => new PostgresInterviewStore(pool))
  )
  recordingStoreContract(
    'Postgres',
    postgres((pool) => new PostgresRecordingStore(pool))
  )
  interviewerKeyStoreContract(
    'Postgres',
    postgres((pool) => new PostgresInterviewerKeyStore(pool))
  )
})
