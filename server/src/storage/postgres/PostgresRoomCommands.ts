import type pg from 'pg'

/** A room's interview state as stored, with the number of commands applied to it. */
export interface VersionedState<S> {
  state: S
  /** Commands applied so far; each successful {@link PostgresRoomCommands.apply} adds one. */
  version: number
}

/**
 * Interview commands (phase, hint, prompt, swap, recording) serialized per room across relays:
 * each runs in a transaction holding the room's `interview_state` row lock, reads the state
 * every earlier command left, and writes the next with `version + 1`. Two relays never apply
 * two commands to the same state; a command that throws changes nothing. Not wired into the
 * interview service yet.
 */
export class PostgresRoomCommands<S> {
  private pool: pg.Pool
  private initial: () => S

  /** `initial`: the state of a room no command has touched yet. */
  constructor(pool: pg.Pool, initial: () => S) {
    this.pool = pool
    this.initial = initial
  }

  /** The room's current state (the initial one, version 0, before any command). */
  async read(roomId: string): Promise<VersionedState<S>> {
    const { rows } = await this.pool.query<{ state: S; version: number }>(
      'SELECT state, version FROM interview_state WHERE room_id = $1',
      [roomId]
    )
    return rows[0] ?? { state: this.initial(), version: 0 }
  }

  /**
   * Apply `command` to the room's latest state under its row lock and store the result.
   * `command` must be pure (it may run again if the transaction is retried by a caller); what it
   * throws (e.g. a DomainError refusing the command) is rethrown with nothing stored.
   */
  async apply(
    roomId: string,
    command: (current: VersionedState<S>) => S,
    now = Date.now()
  ): Promise<VersionedState<S>> {
    const client = await this.pool.connect()
    try {
      await client.query('BEGIN')
      // The row must exist to be locked; racing first commands both insert-or-skip, then queue on the lock.
      await client.query(
        `INSERT INTO interview_state (room_id, state, version, updated_at) VALUES ($1, $2, 0, $3)
         ON CONFLICT (room_id) DO NOTHING`,
        [roomId, JSON.stringify(this.initial()), now]
      )
      const { rows } = await client.query<{ state: S; version: number }>(
        'SELECT state, version FROM interview_state WHERE room_id = $1 FOR UPDATE',
        [roomId]
      )
      const current = rows[0]!
      const next: VersionedState<S> = { state: command(current), version: current.version + 1 }
      await client.query('UPDATE interview_state SET state = $2, version = $3, updated_at = $4 WHERE room_id = $1', [
        roomId,
        JSON.stringify(next.state),
        next.version,
        now,
      ])
      await client.query('COMMIT')
      return next
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {})
      throw error
    } finally {
      client.release()
    }
  }
}
