import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { migrate } from './migrations.ts'

/**
 * Open the embedded database (WAL mode, foreign keys on) and bring its schema up to date. The
 * stores built on it each own their tables: `SqliteStorage` rooms, tokens and the board log,
 * `SqliteInterviewStore` the interview's, `RecordingStore` the audio recording's.
 */
export function openSqliteDatabase(file: string): DatabaseSync {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
  const db = new DatabaseSync(file)
  db.exec(`
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = NORMAL;
    PRAGMA busy_timeout = 5000;
    PRAGMA foreign_keys = ON;
  `)
  migrate(db)
  return db
}
