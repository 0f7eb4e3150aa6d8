import { DatabaseSync } from 'node:sqlite'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { DomainError, Refusal } from '../DomainError.ts'
import { freePort } from '../test/postgresFixture.ts'
import { isStorageUnavailable } from './storageUnavailable.ts'

describe('isStorageUnavailable', () => {
  it('recognises a database that cannot be reached, as pg reports it', async () => {
    const port = await freePort()
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'nobody', database: 'none' })
    const refused = await client.connect().then(
      () => null,
      (error: unknown) => error
    )
    expect(refused).not.toBeNull()
    expect(isStorageUnavailable(refused)).toBe(true)
    const pool = new pg.Pool({ host: '127.0.0.1', port, connectionTimeoutMillis: 200 })
    const fromPool = await pool.query('SELECT 1').then(
      () => null,
      (error: unknown) => error
    )
    await pool.end()
    expect(isStorageUnavailable(fromPool)).toBe(true)
    // A Postgres shutting down, by its SQLSTATE.
    expect(isStorageUnavailable(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toBe(true)
  })

  it('does not take a refusal, a bad statement or anything else for an outage', () => {
    const db = new DatabaseSync(':memory:')
    let sqlError: unknown
    try {
      db.exec('SELECT nonsense FROM nowhere')
    } catch (error) {
      sqlError = error
    }
    expect(sqlError).toBeInstanceOf(Error)
    expect(isStorageUnavailable(sqlError)).toBe(false)
    expect(isStorageUnavailable(new DomainError(Refusal.Conflict, 'not now'))).toBe(false)
    expect(isStorageUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false)
    expect(isStorageUnavailable('ECONNREFUSED')).toBe(false)
    expect(isStorageUnavailable(null)).toBe(false)
  })
})
