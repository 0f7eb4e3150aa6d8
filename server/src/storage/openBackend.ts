import { join } from 'node:path'
import type { DatabaseSync } from 'node:sqlite'
import type pg from 'pg'
import { AudioFiles } from '../audioRecording/AudioFiles.ts'
import type { RecordingStore } from '../audioRecording/RecordingStore.ts'
import { SqliteRecordingStore } from '../audioRecording/SqliteRecordingStore.ts'
import type { Config } from '../config.ts'
import type { Logger } from '../logger.ts'
import type { JournalMetrics } from '../metrics/Metrics.ts'
import type { InterviewerKeyStore } from '../rooms/InterviewerKeys.ts'
import { sqliteInterviewerKeyStore } from '../rooms/SqliteInterviewerKeyStore.ts'
import { asyncStorage, type AsyncStorage } from './AsyncStorage.ts'
import type { InterviewStore } from './InterviewStore.ts'
import { openSqliteDatabase } from './openSqliteDatabase.ts'
import { PostgresInterviewerKeyStore } from './postgres/PostgresInterviewerKeyStore.ts'
import { PostgresInterviewStore } from './postgres/PostgresInterviewStore.ts'
import { PostgresRecordingStore } from './postgres/PostgresRecordingStore.ts'
import { PostgresStorage } from './postgres/PostgresStorage.ts'
import { runOnceInCluster } from './postgres/runOnceInCluster.ts'
import { sqliteInterviewStore } from './SqliteInterviewStore.ts'
import { lockDataDir } from './DataDirLock.ts'
import { JOURNAL_FILE, JournaledStorage } from './JournaledStorage.ts'
import { JournalMover } from './JournalMover.ts'
import { DATABASE_FILE, SqliteStorage } from './SqliteStorage.ts'
import type { Storage } from './Storage.ts'
import { WalCheckpointer } from './WalCheckpointer.ts'

/** Audio tracks live under `<DATA_DIR>/recordings/<roomId>/<trackId>/` (embedded SQLite). */
export const RECORDINGS_DIR = 'recordings'

/** Where the server keeps everything: every store, on one backend. */
export interface Backend {
  /** `sqlite`: the embedded file under DATA_DIR. `postgres`: DATABASE_URL, shared by relays. */
  kind: 'sqlite' | 'postgres'
  /** Rooms, tokens, the board log and snapshots. */
  storage: AsyncStorage
  /**
   * The same storage's commit, synchronous (embedded SQLite: a journal append), for the relay to
   * broadcast each update in the handler of the frame that brought it. Absent on Postgres.
   */
  commitUpdatesNow?: Storage['commitUpdates']
  interview: InterviewStore
  recordings: RecordingStore
  keys: InterviewerKeyStore
  /** The Postgres connections (room commands, cluster-wide locks); null on SQLite. */
  pool: pg.Pool | null
  /** Whether this process is the only writer (SQLite): then per-room caches may be trusted. */
  soleWriter: boolean
  /**
   * Run background work (the retention sweep) on one relay of the cluster at a time: on Postgres
   * the relay that takes its advisory lock runs it and the others skip the round; on SQLite it runs.
   */
  runOnce<T>(name: string, work: () => Promise<T>): Promise<{ ran: true; result: T } | { ran: false }>
  /** `GET /readyz`: throws unless the database answers. */
  ping(): Promise<void>
  close(): Promise<void>
}

/**
 * The backend the configuration asks for: Postgres when `DATABASE_URL` is set (its schema
 * migrated first, waiting for another relay that migrates at the same time), the embedded
 * SQLite file otherwise. The one place that knows which classes make up each backend.
 */
export async function openBackend(config: Config, logger: Logger, metrics?: JournalMetrics): Promise<Backend> {
  if (config.databaseUrl) {
    const storage = await PostgresStorage.open({ url: config.databaseUrl, logger })
    logger.info('storage: postgres', { database: describeUrl(config.databaseUrl) })
    return {
      kind: 'postgres',
      storage,
      interview: new PostgresInterviewStore(storage.pool),
      recordings: new PostgresRecordingStore(storage.pool),
      keys: new PostgresInterviewerKeyStore(storage.pool),
      pool: storage.pool,
      soleWriter: false,
      runOnce: (name, work) => runOnceInCluster(storage.pool, name, work),
      ping: () => storage.ping(),
      close: () => storage.close(),
    }
  }
  // Refused if another server has this DATA_DIR open: seqs and the journal belong to one process.
  const lock = lockDataDir(config.dataDir)
  const databaseFile = join(config.dataDir, DATABASE_FILE)
  let database: DatabaseSync
  let board: JournaledStorage
  let mover: JournalMover | null = null
  try {
    database = openSqliteDatabase(databaseFile)
    try {
      const journalFile = join(config.dataDir, JOURNAL_FILE)
      mover = new JournalMover(databaseFile, journalFile)
      board = new JournaledStorage(new SqliteStorage(database), journalFile, {
        flushMs: config.sqliteJournalFlushMs,
        mover,
        onFlushError: (error) => logger.warn('could not move journaled board updates into SQLite; retrying', { error }),
        ...(metrics ? { metrics } : {}),
      })
    } catch (error) {
      void mover?.stop()
      database.close()
      throw error
    }
  } catch (error) {
    lock.release()
    throw error
  }
  const checkpointer =
    config.sqliteCheckpointMs > 0
      ? new WalCheckpointer(database, databaseFile, config.sqliteCheckpointMs, logger)
      : null
  if (board.recovered) logger.info('stored board updates recovered from the journal', { updates: board.recovered })
  if (board.discardedJournalBytes) {
    logger.warn('dropped the end of the journal: not a whole record (a write cut short by a crash)', {
      bytes: board.discardedJournalBytes,
    })
  }
  const storage = asyncStorage(board)
  return {
    kind: 'sqlite',
    storage,
    commitUpdatesNow: (batch) => board.commitUpdates(batch),
    interview: sqliteInterviewStore(database),
    recordings: new SqliteRecordingStore(database, new AudioFiles(join(config.dataDir, RECORDINGS_DIR))),
    keys: sqliteInterviewerKeyStore(database),
    pool: null,
    soleWriter: true,
    runOnce: async (_name, work) => ({ ran: true, result: await work() }),
    ping: () => storage.ping(),
    close: async () => {
      await checkpointer?.stop()
      try {
        // Journaled updates go into the database before the last connection checkpoints it: the
        // worker's, closed once it has finished what it was storing (nothing in DATA_DIR after).
        board.close()
      } finally {
        await mover?.stop()
        lock.release()
      }
    },
  }
}

/** The database's host, port and name for the log: never its password. */
function describeUrl(url: string): string {
  const parsed = new URL(url)
  return `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`
}
