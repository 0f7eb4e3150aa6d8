import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'

/** The lock file's name inside DATA_DIR. */
export const LOCK_FILE = 'loopboard.lock'

/** Another server holds DATA_DIR. */
export class DataDirInUseError extends Error {}

/**
 * One server per data directory. The embedded storage numbers board updates in memory and keeps
 * a journal of its own (`JournaledStorage`), so a second process on the same files would hand out
 * the same seqs and overwrite that journal. The lock is SQLite's own file lock on a small
 * database of its own (`locking_mode = EXCLUSIVE`, taken by a write and held until the
 * connection closes): the operating system drops it when the process dies, so a crash never
 * leaves the directory locked.
 */
export function lockDataDir(dataDir: string): { release(): void } {
  mkdirSync(dataDir, { recursive: true })
  const db = new DatabaseSync(join(dataDir, LOCK_FILE))
  try {
    db.exec('PRAGMA busy_timeout = 0')
    db.exec('PRAGMA locking_mode = EXCLUSIVE')
    db.exec('BEGIN EXCLUSIVE')
    db.exec('CREATE TABLE IF NOT EXISTS held (since INTEGER)')
    db.exec('COMMIT')
  } catch (error) {
    db.close()
    if (/locked|busy/i.test((error as Error).message)) {
      throw new DataDirInUseError(
        `DATA_DIR ${dataDir} is in use by another Loopboard server: run one server per data directory (several relays share DATABASE_URL instead)`
      )
    }
    throw error
  }
  return { release: () => db.isOpen && db.close() }
}
