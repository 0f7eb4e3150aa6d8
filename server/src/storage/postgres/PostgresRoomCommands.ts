import type pg from 'pg'
import { inTransaction } from './inTransaction.ts'

/** A room's interview state as stored, with the number of commands applied to it. */
export interface VersionedState<S> {
  state: S
  /** Commands applied so far; each {@link PostgresRoomCommands.apply} that changes the state adds one. */
  version: number
}

/**
 * Interview commands (phase, hint, prompt, swap, recording) serialized per room across relays:
 * each runs in a transaction holding the room's `interview_state` row lock, reads the state
 * every earlier command left, and writes the next with `version + 1`. Two relays never apply
 * two commands to the same state; a command that throws changes nothing.
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
   * throws (e.g. a DomainError refusing the command) is rethrown with nothing stored. Returning
   * the state it was given (the same object) stores nothing and keeps the version. `also` writes
   * what goes with the new state (its timeline event) in the same transaction.
   */
  async apply(
    roomId: string,
    command: (current: VersionedState<S>) => S,
    now = Date.now(),
    also?: (client: pg.ClientBase, next: VersionedState<S>) => Promise<void>
  ): Promise<VersionedState<S>> {
    return this.underLock(roomId, now, async (client, current) => {
      const state = command(current)
      if (state === current.state) return current
      const next: VersionedState<S> = { state, version: current.version + 1 }
      await client.query('UPDATE interview_state SET state = $2, version = $3, updated_at = $4 WHERE room_id = $1', [
        roomId,
        JSON.stringify(next.state),
        next.version,
        now,
      ])
      await also?.(client, next)
      return next
    })
  }

  /**
   * Run `work` in a transaction holding the room's command lock, for commands whose state lives
   * in other tables (recording start/stop): they are serialized with every other command of the
   * room. What `work` throws rolls the transaction back and is rethrown.
   */
  async underLock<T>(
    roomId: string,
    now: number,
    work: (client: pg.ClientBase, current: VersionedState<S>) => Promise<T>
  ): Promise<T> {
    return inTransaction(this.pool, async (client) => {
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
      return work(client, rows[0]!)
    })
  }
}
