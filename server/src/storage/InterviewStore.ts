import type { AnyTimelineEvent, Feedback, Note, Role, Scorecard, TimelineEvent } from '@loopboard/protocol'
import type { Prompt } from '@loopboard/prompts'

export interface StoredFeedback {
  authorSeat: Role
  round: number
  markdown: string
  publishedAt: number
}

/** What an author can have a draft of. */
export type DraftKind = 'scorecard' | 'note'

/** A command's result: the room's next interview state and the timeline event that records it. */
export interface StateChange {
  state: unknown
  event: TimelineEvent
}

/**
 * The interview's private and public data. Asynchronous: the embedded SQLite implements it through
 * {@link promised} (`SqliteInterviewStore`), Postgres with a pool (`PostgresInterviewStore`);
 * `interviewStoreContract.ts` says what both must do.
 */
export interface InterviewStore {
  /** The stored state as written (the reader validates it), or null before the first command. */
  loadState(roomId: string): Promise<unknown>
  /**
   * Apply `command` to the room's stored state (null before any) and store the state it returns
   * with its timeline event, as one step: commands of one room are serialized, across every relay
   * sharing the store (Postgres: row lock + version), so none is applied to a state another has
   * replaced. `command` throws to refuse (nothing is stored) and returns null when nothing changes;
   * it must be pure, as it may see the latest state only once it holds the lock.
   * Resolves to what `command` returned.
   */
  changeState(
    roomId: string,
    command: (stored: unknown) => StateChange | null,
    now: number
  ): Promise<StateChange | null>
  addCustomPrompt(roomId: string, prompt: Prompt, now: number): Promise<void>
  customPrompts(roomId: string): Promise<Prompt[]>
  addNote(roomId: string, authorSeat: Role, note: Omit<Note, 'id'>): Promise<Note>
  notes(roomId: string, authorSeat: Role): Promise<Note[]>
  saveScorecard(roomId: string, authorSeat: Role, round: number, scorecard: Scorecard, now: number): Promise<void>
  scorecard(roomId: string, authorSeat: Role, round: number): Promise<Scorecard | null>
  publishFeedback(roomId: string, authorSeat: Role, feedback: Feedback): Promise<void>
  feedback(roomId: string, authorSeat: Role, round: number): Promise<Feedback | null>
  /** Every feedback published in the room, by round. */
  allFeedback(roomId: string): Promise<StoredFeedback[]>
  /** Keep (or, with `null`, drop) an author's draft of `kind` in a round. */
  saveDraft(
    roomId: string,
    authorSeat: Role,
    round: number,
    kind: DraftKind,
    content: string | null,
    now: number
  ): Promise<void>
  /** An author's drafts in a round, by kind, as saved. */
  drafts(roomId: string, authorSeat: Role, round: number): Promise<Partial<Record<DraftKind, string>>>
  appendEvent(roomId: string, event: TimelineEvent): Promise<void>
  /** The room's timeline as stored, oldest first; the reader validates it. */
  events(roomId: string): Promise<AnyTimelineEvent[]>
  /** How many of the room's timeline events have one of `types`. */
  countEvents(roomId: string, types: readonly string[]): Promise<number>
  /** Server times of the room's first and last timeline event (null when it has none). */
  eventSpan(roomId: string): Promise<{ first: number | null; last: number | null }>
}
