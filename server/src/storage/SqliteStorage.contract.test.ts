import { join } from 'node:path'
import { useTestContext } from '../test/helpers.ts'
import { asyncStorage } from './AsyncStorage.ts'
import { SqliteStorage } from './SqliteStorage.ts'
import { storageContract } from './storageContract.ts'

const ctx = useTestContext()

/** A file, not `:memory:`, so the persistence test can reopen it. */
const sqliteFile = () => join(ctx.tempDir(), 'loopboard.db')

storageContract('SqliteStorage', () => {
  const file = sqliteFile()
  return Object.assign(new SqliteStorage(file), { reopen: () => new SqliteStorage(file) })
})

// The same suite through the asynchronous interface the Postgres backend implements.
storageContract('SqliteStorage via asyncStorage()', () => {
  const file = sqliteFile()
  return Object.assign(asyncStorage(new SqliteStorage(file)), { reopen: () => asyncStorage(new SqliteStorage(file)) })
})
