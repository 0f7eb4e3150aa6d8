import type pg from 'pg'

const lockName = (name: string) => `loopboard:${name}`

/**
 * Run `work` on at most one node of the cluster at a time (the retention sweep): the node
 * that takes the Postgres advisory lock named `name` runs it, the others skip this round
 * (resolving `{ ran: false }`). The lock belongs to the database session, so a node that dies
 * mid-work releases it with its connection.
 */
export async function runOnceInCluster<T>(
  pool: pg.Pool,
  name: string,
  work: () => Promise<T>
): Promise<{ ran: true; result: T } | { ran: false }> {
  const client = await pool.connect()
  // A connection cut while checked out reports on the client; the lock went with it, which is all
  // that matters here (unhandled, the event would end the process).
  let lost: Error | undefined
  const onError = (error: Error) => (lost = error)
  client.on('error', onError)
  let locked = false
  try {
    const { rows } = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked',
      [lockName(name)]
    )
    locked = rows[0]!.locked
    if (!locked) return { ran: false }
    return { ran: true, result: await work() }
  } finally {
    if (locked && !lost) {
      await client
        .query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [lockName(name)])
        .catch((error: Error) => {
          lost = error
        })
    }
    client.off('error', onError)
    // A broken connection is discarded, not returned to the pool.
    client.release(lost)
  }
}
