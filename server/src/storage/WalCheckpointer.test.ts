import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createLogger } from '../logger.ts'
import { waitFor } from '../test/helpers.ts'
import { openSqliteDatabase } from './openSqliteDatabase.ts'
import { BACKGROUND_NICE, threadNice } from './threadPriority.ts'
import { WalCheckpointer } from './WalCheckpointer.ts'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function expectOneBackgroundThread() {
  const background = readdirSync('/proc/self/task').filter((tid) => threadNice(Number(tid)) === BACKGROUND_NICE)
  expect(background).toHaveLength(1)
  expect(threadNice(process.pid)).not.toBe(BACKGROUND_NICE)
}

describe('WalCheckpointer', () => {
  it('copies committed pages into the database file from its worker, while the writer never checkpoints', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loopboard-wal-'))
    dirs.push(dir)
    const file = join(dir, 'db.sqlite')
    const db = openSqliteDatabase(file)
    db.exec('CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB)')
    const checkpointer = new WalCheckpointer(db, file, 20, createLogger('silent'))
    expect(db.prepare('PRAGMA wal_autocheckpoint').get()).toEqual({ wal_autocheckpoint: 0 })
    const before = statSync(file).size
    const insert = db.prepare('INSERT INTO blobs (data) VALUES (?)')
    for (let i = 0; i < 500; i++) insert.run(new Uint8Array(4096).fill(i % 256))
    // 2 MB committed to the WAL; only a checkpoint moves it into the database file.
    await waitFor(() => statSync(file).size > before + 1_000_000, 'the worker to checkpoint the WAL')
    // Its thread runs at the background priority (Linux); the event loop's is untouched.
    if (existsSync('/proc/thread-self')) expectOneBackgroundThread()
    await checkpointer.stop()
    expect(db.prepare('SELECT count(*) AS n FROM blobs').get()).toEqual({ n: 500 })
    db.close()
  })
})
