import type { AnyTimelineEvent, Feedback, Note, Role, Scorecard, TimelineEvent } from '@loopboard/protocol'
import type { Prompt } from '@loopboard/prompts'
import type pg from 'pg'
import type { DraftKind, InterviewStore, StateChange, StoredFeedback } from '../InterviewStore.ts'
import { PostgresRoomCommands } from './PostgresRoomCommands.ts'

const INSERT_EVENT = 'INSERT INTO events (room_id, ts, type, data) VALUES ($1, $2, $3, $4)'

/** An event row's values; `data` as JSON text (pg would send an array as a Postgres array). */
const eventValues = (roomId: string, event: TimelineEvent) => [roomId, event.ts, event.type, JSON.stringify(event.data)]

/**
 * The interview's tables in Postgres, shared by every relay of a cluster. State changes go through
 * {@link PostgresRoomCommands} (the room's row lock + version), with their timeline event in the
 * same transaction. `pool` is `PostgresStorage.pool` (BIGINT columns read as numbers).
 */
export class PostgresInterviewStore implements InterviewStore {
  private pool: pg.Pool
  /** Before the first command a room's state is JSON null: the service starts it afresh. */
  readonly commands: PostgresRoomCommands<unknown>

  constructor(pool: pg.Pool) {
    this.pool = pool
    this.commands = new PostgresRoomCommands<unknown>(pool, () => null)
  }

  async loadState(roomId: string): Promise<unknown> {
    return (await this.commands.read(roomId)).state
  }

  async changeState(
    roomId: string,
    command: (stored: unknown) => StateChange | null,
    now: number
  ): Promise<StateChange | null> {
    let change: StateChange | null = null
    await this.commands.apply(
      roomId,
      ({ state }) => {
        change = command(state)
        return change ? change.state : state
      },
      now,
      async (client) => {
        await client.query(INSERT_EVENT, eventValues(roomId, change!.event))
      }
    )
    return change
  }

  async addCustomPrompt(roomId: string, prompt: Prompt, now: number): Promise<void> {
    await this.pool.query('INSERT INTO custom_prompts (room_id, id, prompt, created_at) VALUES ($1, $2, $3, $4)', [
      roomId,
      prompt.id,
      JSON.stringify(prompt),
      now,
    ])
  }

  async customPrompts(roomId: string): Promise<Prompt[]> {
    const { rows } = await this.pool.query<{ prompt: Prompt }>(
      'SELECT prompt FROM custom_prompts WHERE room_id = $1 ORDER BY created_at, id',
      [roomId]
    )
    return rows.map((r) => r.prompt)
  }

  async addNote(roomId: string, authorSeat: Role, note: Omit<Note, 'id'>): Promise<Note> {
    const { rows } = await this.pool.query<{ id: number }>(
      `INSERT INTO notes (room_id, author_seat, round, created_at, session_ms, shape_id, text)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [roomId, authorSeat, note.round, note.createdAt, note.sessionMs, note.shapeId, note.text]
    )
    return { id: rows[0]!.id, ...note }
  }

  async notes(roomId: string, authorSeat: Role): Promise<Note[]> {
    const { rows } = await this.pool.query<Note>(
      `SELECT id, text, created_at AS "createdAt", session_ms AS "sessionMs", shape_id AS "shapeId", round
       FROM notes WHERE room_id = $1 AND author_seat = $2 ORDER BY id`,
      [roomId, authorSeat]
    )
    return rows
  }

  async saveScorecard(roomId: string, authorSeat: Role, round: number, scorecard: Scorecard, now: number) {
    await this.pool.query(
      `INSERT INTO scorecards (room_id, author_seat, round, scorecard, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (room_id, author_seat, round) DO UPDATE SET scorecard = excluded.scorecard, updated_at = excluded.updated_at`,
      [roomId, authorSeat, round, JSON.stringify(scorecard), now]
    )
  }

  async scorecard(roomId: string, authorSeat: Role, round: number): Promise<Scorecard | null> {
    const { rows } = await this.pool.query<{ scorecard: Scorecard }>(
      'SELECT scorecard FROM scorecards WHERE room_id = $1 AND author_seat = $2 AND round = $3',
      [roomId, authorSeat, round]
    )
    return rows[0]?.scorecard ?? null
  }

  async publishFeedback(roomId: string, authorSeat: Role, feedback: Feedback): Promise<void> {
    await this.pool.query(
      `INSERT INTO feedback (room_id, author_seat, round, markdown, published_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (room_id, author_seat, round) DO UPDATE SET markdown = excluded.markdown, published_at = excluded.published_at`,
      [roomId, authorSeat, feedback.round, feedback.markdown, feedback.publishedAt]
    )
  }

  async feedback(roomId: string, authorSeat: Role, round: number): Promise<Feedback | null> {
    const { rows } = await this.pool.query<Feedback>(
      `SELECT markdown, published_at AS "publishedAt", round FROM feedback
       WHERE room_id = $1 AND author_seat = $2 AND round = $3`,
      [roomId, authorSeat, round]
    )
    return rows[0] ?? null
  }

  async allFeedback(roomId: string): Promise<StoredFeedback[]> {
    const { rows } = await this.pool.query<StoredFeedback>(
      `SELECT author_seat AS "authorSeat", round, markdown, published_at AS "publishedAt" FROM feedback
       WHERE room_id = $1 ORDER BY round, published_at`,
      [roomId]
    )
    return rows
  }

  async saveDraft(
    roomId: string,
    authorSeat: Role,
    round: number,
    kind: DraftKind,
    content: string | null,
    now: number
  ): Promise<void> {
    if (content === null) {
      await this.pool.query('DELETE FROM drafts WHERE room_id = $1 AND author_seat = $2 AND round = $3 AND kind = $4', [
        roomId,
        authorSeat,
        round,
        kind,
      ])
      return
    }
    await this.pool.query(
      `INSERT INTO drafts (room_id, author_seat, round, kind, content, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (room_id, author_seat, round, kind) DO UPDATE SET content = excluded.content, updated_at = excluded.updated_at`,
      [roomId, authorSeat, round, kind, content, now]
    )
  }

  async drafts(roomId: string, authorSeat: Role, round: number): Promise<Partial<Record<DraftKind, string>>> {
    const { rows } = await this.pool.query<{ kind: DraftKind; content: string }>(
      'SELECT kind, content FROM drafts WHERE room_id = $1 AND author_seat = $2 AND round = $3',
      [roomId, authorSeat, round]
    )
    return Object.fromEntries(rows.map((r) => [r.kind, r.content]))
  }

  async appendEvent(roomId: string, event: TimelineEvent): Promise<void> {
    await this.pool.query(INSERT_EVENT, eventValues(roomId, event))
  }

  async events(roomId: string): Promise<AnyTimelineEvent[]> {
    const { rows } = await this.pool.query<AnyTimelineEvent>(
      'SELECT ts, type, data FROM events WHERE room_id = $1 ORDER BY ts, id',
      [roomId]
    )
    return rows
  }

  async countEvents(roomId: string, types: readonly string[]): Promise<number> {
    const { rows } = await this.pool.query<{ count: number }>(
      'SELECT COUNT(*) AS count FROM events WHERE room_id = $1 AND type = ANY($2::text[])',
      [roomId, types]
    )
    return rows[0]!.count
  }

  async eventSpan(roomId: string): Promise<{ first: number | null; last: number | null }> {
    const { rows } = await this.pool.query<{ first: number | null; last: number | null }>(
      'SELECT MIN(ts) AS first, MAX(ts) AS last FROM events WHERE room_id = $1',
      [roomId]
    )
    return rows[0]!
  }
}
