import type pg from 'pg'

/**
 * Run `work` in a transaction on a connection of `pool`: committed if it resolves, rolled back
 * (and its error rethrown) if it throws. A connection cut between two of the transaction's
 * queries is reported on the client, not on a query: unheard, that event would end the process.
 * It is heard here, the next query fails, and the broken connection is discarded instead of
 * going back to the pool.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  let lost: Error | undefined
  const onError = (error: Error) => (lost = error)
  client.on('error', onError)
  try {
    await client.query('BEGIN')
    const result = await work(client)
    await client.query('COMMIT')
    return result
  } catch (error) {
    if (!lost) await client.query('ROLLBACK').catch(() => {})
    throw error
  } finally {
    client.off('error', onError)
    client.release(lost)
  }
}
