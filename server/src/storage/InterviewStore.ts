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

/** The interview's private and public data. Synchronous, like {@link Storage}. */
export interface InterviewStore {
  loadState(roomId: string): unknown
  saveState(roomId: string, state: unknown, now: number): void
  addCustomPrompt(roomId: string, prompt: Prompt, now: number): void
  customPrompts(roomId: string): Prompt[]
  addNote(roomId: string, authorSeat: Role, note: Omit<Note, 'id'>): Note
  notes(roomId: string, authorSeat: Role): Note[]
  saveScorecard(roomId: string, authorSeat: Role, round: number, scorecard: Scorecard, now: number): void
  scorecard(roomId: string, authorSeat: Role, round: number): Scorecard | null
  publishFeedback(roomId: string, authorSeat: Role, feedback: Feedback): void
  feedback(roomId: string, authorSeat: Role, round: number): Feedback | null
  /** Every feedback published in the room, by round. */
  allFeedback(roomId: string): StoredFeedback[]
  /** Keep (or, with `null`, drop) an author's draft of `kind` in a round. */
  saveDraft(roomId: string, authorSeat: Role, round: number, kind: DraftKind, content: string | null, now: number): void
  /** An author's drafts in a round, by kind, as saved. */
  drafts(roomId: string, authorSeat: Role, round: number): Partial<Record<DraftKind, string>>
  appendEvent(roomId: string, event: TimelineEvent): void
  /** The room's timeline as stored, oldest first; the reader validates it. */
  events(roomId: string): AnyTimelineEvent[]
  /** Server times of the room's first and last timeline event (null when it has none). */
  eventSpan(roomId: string): { first: number | null; last: number | null }
}
