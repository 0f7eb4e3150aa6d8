import type { DatabaseSync, StatementSync } from 'node:sqlite'
import type { AnyTimelineEvent, Feedback, Note, Role, Scorecard, TimelineEvent } from '@loopboard/protocol'
import type { Prompt } from '@loopboard/prompts'
import type { DraftKind, InterviewStore, StateChange, StoredFeedback } from './InterviewStore.ts'
import { promised } from './promised.ts'

/**
 * The interview tables of the embedded SQLite database (migration 2): the interview owns them.
 * Synchronous, like the driver; {@link sqliteInterviewStore} gives the {@link InterviewStore} the
 * services use. One process owns the file, and a synchronous call runs to its end before any
 * other, so `changeState` needs no lock beyond its transaction.
 */
export class SqliteInterviewStore {
  private db: DatabaseSync
  private s: Record<string, StatementSync>

  constructor(db: DatabaseSync) {
    this.db = db
    const p = (sql: string) => db.prepare(sql)
    this.s = {
      loadState: p('SELECT state FROM interview_state WHERE room_id = ?'),
      saveState: p(
        'INSERT INTO interview_state (room_id, state, updated_at) VALUES (?, ?, ?) ON CONFLICT (room_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at'
      ),
      addPrompt: p('INSERT INTO custom_prompts (room_id, id, prompt, created_at) VALUES (?, ?, ?, ?)'),
      prompts: p('SELECT prompt FROM custom_prompts WHERE room_id = ? ORDER BY created_at, id'),
      addNote: p(
        'INSERT INTO notes (room_id, author_seat, round, created_at, session_ms, shape_id, text) VALUES (?, ?, ?, ?, ?, ?, ?)'
      ),
      notes: p(
        'SELECT id, text, created_at AS createdAt, session_ms AS sessionMs, shape_id AS shapeId, round FROM notes WHERE room_id = ? AND author_seat = ? ORDER BY id'
      ),
      saveScorecard: p(
        'INSERT INTO scorecards (room_id, author_seat, round, scorecard, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (room_id, author_seat, round) DO UPDATE SET scorecard = excluded.scorecard, updated_at = excluded.updated_at'
      ),
      scorecard: p('SELECT scorecard FROM scorecards WHERE room_id = ? AND author_seat = ? AND round = ?'),
      publish: p(
        'INSERT INTO feedback (room_id, author_seat, round, markdown, published_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (room_id, author_seat, round) DO UPDATE SET markdown = excluded.markdown, published_at = excluded.published_at'
      ),
      feedback: p(
        'SELECT markdown, published_at AS publishedAt, round FROM feedback WHERE room_id = ? AND author_seat = ? AND round = ?'
      ),
      saveDraft: p(
        'INSERT INTO drafts (room_id, author_seat, round, kind, content, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (room_id, author_seat, round, kind) DO UPDATE SET content = excluded.content, updated_at = excluded.updated_at'
      ),
      dropDraft: p('DELETE FROM drafts WHERE room_id = ? AND author_seat = ? AND round = ? AND kind = ?'),
      drafts: p('SELECT kind, content FROM drafts WHERE room_id = ? AND author_seat = ? AND round = ?'),
      appendEvent: p('INSERT INTO events (room_id, ts, type, data) VALUES (?, ?, ?, ?)'),
      events: p('SELECT ts, type, data FROM events WHERE room_id = ? ORDER BY ts, id'),
      countEvents: p(
        'SELECT COUNT(*) AS count FROM events WHERE room_id = ? AND type IN (SELECT value FROM json_each(?))'
      ),
      eventSpan: p('SELECT MIN(ts) AS first, MAX(ts) AS last FROM events WHERE room_id = ?'),
      allFeedback: p(
        'SELECT author_seat AS authorSeat, round, markdown, published_at AS publishedAt FROM feedback WHERE room_id = ? ORDER BY round, published_at'
      ),
    }
  }

  loadState(roomId: string): unknown {
    const row = this.s.loadState!.get(roomId) as { state: string } | undefined
    return row ? JSON.parse(row.state) : null
  }

  changeState(roomId: string, command: (stored: unknown) => StateChange | null, now: number): StateChange | null {
    this.db.exec('BEGIN IMMEDIATE')
    try {
      const change = command(this.loadState(roomId))
      if (change) {
        this.s.saveState!.run(roomId, JSON.stringify(change.state), now)
        this.appendEvent(roomId, change.event)
      }
      this.db.exec('COMMIT')
      return change
    } catch (error) {
      this.db.exec('ROLLBACK')
      throw error
    }
  }

  addCustomPrompt(roomId: string, prompt: Prompt, now: number): void {
    this.s.addPrompt!.run(roomId, prompt.id, JSON.stringify(prompt), now)
  }

  customPrompts(roomId: string): Prompt[] {
    return (this.s.prompts!.all(roomId) as Array<{ prompt: string }>).map((r) => JSON.parse(r.prompt) as Prompt)
  }

  addNote(roomId: string, authorSeat: Role, note: Omit<Note, 'id'>): Note {
    const { lastInsertRowid } = this.s.addNote!.run(
      roomId,
      authorSeat,
      note.round,
      note.createdAt,
      note.sessionMs,
      note.shapeId,
      note.text
    )
    return { id: Number(lastInsertRowid), ...note }
  }

  notes(roomId: string, authorSeat: Role): Note[] {
    return this.s.notes!.all(roomId, authorSeat) as unknown as Note[]
  }

  saveScorecard(roomId: string, authorSeat: Role, round: number, scorecard: Scorecard, now: number): void {
    this.s.saveScorecard!.run(roomId, authorSeat, round, JSON.stringify(scorecard), now)
  }

  scorecard(roomId: string, authorSeat: Role, round: number): Scorecard | null {
    const row = this.s.scorecard!.get(roomId, authorSeat, round) as { scorecard: string } | undefined
    return row ? (JSON.parse(row.scorecard) as Scorecard) : null
  }

  publishFeedback(roomId: string, authorSeat: Role, feedback: Feedback): void {
    this.s.publish!.run(roomId, authorSeat, feedback.round, feedback.markdown, feedback.publishedAt)
  }

  feedback(roomId: string, authorSeat: Role, round: number): Feedback | null {
    return (this.s.feedback!.get(roomId, authorSeat, round) as Feedback | undefined) ?? null
  }

  allFeedback(roomId: string): StoredFeedback[] {
    return this.s.allFeedback!.all(roomId) as unknown as StoredFeedback[]
  }

  eventSpan(roomId: string): { first: number | null; last: number | null } {
    return this.s.eventSpan!.get(roomId) as { first: number | null; last: number | null }
  }

  saveDraft(roomId: string, authorSeat: Role, round: number, kind: DraftKind, content: string | null, now: number) {
    if (content === null) this.s.dropDraft!.run(roomId, authorSeat, round, kind)
    else this.s.saveDraft!.run(roomId, authorSeat, round, kind, content, now)
  }

  drafts(roomId: string, authorSeat: Role, round: number): Partial<Record<DraftKind, string>> {
    const rows = this.s.drafts!.all(roomId, authorSeat, round) as Array<{ kind: DraftKind; content: string }>
    return Object.fromEntries(rows.map((r) => [r.kind, r.content]))
  }

  appendEvent(roomId: string, event: TimelineEvent): void {
    this.s.appendEvent!.run(roomId, event.ts, event.type, JSON.stringify(event.data))
  }

  countEvents(roomId: string, types: readonly string[]): number {
    return Number((this.s.countEvents!.get(roomId, JSON.stringify(types)) as { count: number | bigint }).count)
  }

  events(roomId: string): AnyTimelineEvent[] {
    return (this.s.events!.all(roomId) as Array<{ ts: number; type: string; data: string }>).map((r) => ({
      ts: r.ts,
      type: r.type,
      data: JSON.parse(r.data) as Record<string, unknown>,
    }))
  }
}

/** The embedded SQLite's interview tables behind the asynchronous {@link InterviewStore}. */
export function sqliteInterviewStore(db: DatabaseSync): InterviewStore {
  return promised(new SqliteInterviewStore(db))
}
