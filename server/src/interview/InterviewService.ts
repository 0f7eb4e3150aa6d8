import {
  Action,
  may,
  controlEventType,
  InterviewStateSchema,
  InterviewStatus,
  Role,
  TimelineEventSchema,
  TimelineEventType,
  type TimelineEvent,
  type TimelineEventData,
  type ControlAction,
  type CustomPromptInputSchema,
  type Feedback,
  type InterviewerView,
  type InterviewView,
  type Note,
  type Scorecard,
  type Drafts,
  type SaveDraftInput,
  ScorecardSchema,
  MAX_CUSTOM_PROMPTS,
  MAX_NOTES_PER_AUTHOR,
  MAX_ROUNDS_PER_ROOM,
} from '@loopboard/protocol'
import { getPrompt, toPublicPrompt, type Prompt } from '@loopboard/prompts'
import { roundsRunBy } from './rounds.ts'
import type { z } from 'zod'
import { DomainError, Refusal } from '../DomainError.ts'
import type { Logger } from '../logger.ts'
import type { RoomService } from '../rooms/RoomService.ts'
import type { InterviewStore } from '../storage/InterviewStore.ts'
import { buildCustomPrompt } from './customPrompt.ts'
import {
  applyControl,
  applyRevealHint,
  applySetPrompt,
  initialInterviewState,
  sessionMs,
  type InterviewState,
} from './interviewState.ts'

/**
 * Events {@link InterviewService.record} keeps per room: joins, leaves, audio joins and mutes,
 * which any participant causes by reconnecting or toggling. Far more than a session produces; past
 * it they are dropped (the interview's own events still go on), so a participant cannot grow the
 * timeline, and each review that reads it, without end.
 */
export const MAX_RECORDED_EVENTS_PER_ROOM = 5_000

/** What changed, so the socket layer knows whom to tell. */
export type InterviewChange =
  | { kind: 'state' }
  | { kind: 'notes'; seat: Role }
  | { kind: 'scorecard'; seat: Role }
  | { kind: 'feedback'; seat: Role }
  | { kind: 'drafts'; seat: Role }
  | { kind: 'roles-swapped' }

/** The event types {@link InterviewService.record} writes. */
const RECORDED_TYPES: ReadonlySet<string> = new Set([
  TimelineEventType.Joined,
  TimelineEventType.Left,
  TimelineEventType.AudioJoined,
  TimelineEventType.AudioLeft,
  TimelineEventType.Muted,
  TimelineEventType.Unmuted,
])

/** A timeline event before it is stamped with the time. */
type NewEvent = { [K in TimelineEventType]: { type: K; data: TimelineEventData<K> } }[TimelineEventType]

export interface InterviewServiceOptions {
  store: InterviewStore
  rooms: RoomService
  /** Where stored rows that fail validation are reported. */
  logger?: Pick<Logger, 'error'>
  now?: () => number
  onChange?: (roomId: string, change: InterviewChange) => void
}

/**
 * The interview of every room: prompt, phases, clock, hints, notes, scorecards, feedback.
 * It checks what a command may do in the current state; *who* may send it is checked by the
 * callers (socket handlers and HTTP routes), which know the sender's role.
 */
export class InterviewService {
  private store: InterviewStore
  private rooms: RoomService
  private logger: Pick<Logger, 'error'> | null
  private now: () => number
  private onChange: (roomId: string, change: InterviewChange) => void
  private states = new Map<string, InterviewState>()
  /** The rooms' own prompts, read once per room: every view sent to an interviewer lists them. */
  private customPromptCache = new Map<string, Prompt[]>()
  /** Events written by {@link record} per room (counted from storage on first use). */
  private recordedCounts = new Map<string, number>()

  constructor(options: InterviewServiceOptions) {
    this.store = options.store
    this.rooms = options.rooms
    this.logger = options.logger ?? null
    this.now = options.now ?? Date.now
    this.onChange = options.onChange ?? (() => {})
  }

  /** Set after construction when the broadcaster needs the service itself. */
  setOnChange(onChange: (roomId: string, change: InterviewChange) => void): void {
    this.onChange = onChange
  }

  state(roomId: string): InterviewState {
    let state = this.states.get(roomId)
    if (!state) {
      state = this.loadState(roomId)
      this.states.set(roomId, state)
    }
    return state
  }

  /** The stored state, validated; a row that does not fit is reported and the room starts afresh. */
  private loadState(roomId: string): InterviewState {
    const stored = this.store.loadState(roomId)
    if (stored === null) return initialInterviewState()
    const parsed = InterviewStateSchema.safeParse(stored)
    if (parsed.success) return parsed.data
    this.logger?.error('stored interview state is invalid; starting afresh', { room: roomId, error: parsed.error })
    return initialInterviewState()
  }

  private customPrompts(roomId: string): Prompt[] {
    let prompts = this.customPromptCache.get(roomId)
    if (!prompts) this.customPromptCache.set(roomId, (prompts = this.store.customPrompts(roomId)))
    return prompts
  }

  /** Drop what is held in memory for a room that was deleted. */
  forget(roomId: string): void {
    this.states.delete(roomId)
    this.customPromptCache.delete(roomId)
    this.recordedCounts.delete(roomId)
  }

  /** A prompt from the bank or this room's own prompts. */
  prompt(roomId: string, promptId: string | null): Prompt | null {
    if (!promptId) return null
    return getPrompt(promptId) ?? this.customPrompts(roomId).find((p) => p.id === promptId) ?? null
  }

  /** The view for a role. Only the interviewer's carries guidance; unrevealed hints never leave. */
  view(roomId: string, role: Role): InterviewView | InterviewerView {
    const state = this.state(roomId)
    const prompt = this.prompt(roomId, state.promptId)
    const base: InterviewView = {
      round: state.round,
      status: state.status,
      phaseIndex: state.phaseIndex,
      phaseElapsedMs: state.phaseElapsedMs,
      phaseResumedAt: state.phaseResumedAt,
      sessionStartedAt: state.sessionStartedAt,
      serverNow: this.now(),
      prompt: prompt ? toPublicPrompt(prompt) : null,
      revealedHints: prompt ? prompt.hints.slice(0, state.hintsRevealed) : [],
    }
    if (!may(role, Action.ReadGuidance)) return base
    return { ...base, guidance: prompt, customPrompts: this.customPrompts(roomId).map(toPublicPrompt) }
  }

  setPrompt(roomId: string, promptId: string): void {
    const prompt = this.prompt(roomId, promptId)
    if (!prompt) throw new DomainError(Refusal.NotFound, `No prompt "${promptId}".`)
    const state = this.state(roomId)
    const next = applySetPrompt(state, promptId, prompt.phases.length)
    if (next === state) return // already the room's prompt: nothing to record or send
    this.commit(roomId, next, { type: TimelineEventType.PromptSet, data: { promptId, title: prompt.title } })
  }

  addCustomPrompt(roomId: string, input: z.output<typeof CustomPromptInputSchema>): Prompt {
    if (this.customPrompts(roomId).length >= MAX_CUSTOM_PROMPTS) {
      throw new DomainError(Refusal.Conflict, `A room holds at most ${MAX_CUSTOM_PROMPTS} prompts of its own.`)
    }
    const prompt = buildCustomPrompt(input)
    this.store.addCustomPrompt(roomId, prompt, this.now())
    this.customPromptCache.delete(roomId)
    this.onChange(roomId, { kind: 'state' })
    return prompt
  }

  control(roomId: string, action: ControlAction): void {
    const state = this.state(roomId)
    const prompt = this.prompt(roomId, state.promptId)
    const next = applyControl(state, action, prompt?.phases.length ?? 1, this.now())
    this.commit(roomId, next, {
      type: controlEventType(action),
      data: { phaseIndex: next.phaseIndex, phase: prompt?.phases[next.phaseIndex]?.title ?? null },
    })
  }

  revealHint(roomId: string): void {
    const state = this.state(roomId)
    const prompt = this.prompt(roomId, state.promptId)
    const next = applyRevealHint(state, prompt?.hints.length ?? 0)
    this.commit(roomId, next, { type: TimelineEventType.HintRevealed, data: { hintIndex: next.hintsRevealed - 1 } })
  }

  /** Peer mocks: the two links trade roles and a new round begins, with no prompt yet. */
  swapRoles(roomId: string): void {
    const room = this.rooms.get(roomId)
    if (!room) throw new DomainError(Refusal.NotFound, 'No such room.')
    const state = this.state(roomId)
    if (state.status === InterviewStatus.Running || state.status === InterviewStatus.Paused) {
      throw new DomainError(Refusal.Conflict, 'Finish the current interview before swapping roles.')
    }
    if (state.round >= MAX_ROUNDS_PER_ROOM) {
      throw new DomainError(Refusal.Conflict, `A room runs at most ${MAX_ROUNDS_PER_ROOM} rounds.`)
    }
    this.rooms.setRolesSwapped(roomId, !room.rolesSwapped)
    this.commit(roomId, initialInterviewState(state.round + 1), {
      type: TimelineEventType.RolesSwapped,
      data: { round: state.round + 1 },
    })
    this.onChange(roomId, { kind: 'roles-swapped' })
  }

  addNote(roomId: string, seat: Role, text: string, shapeId: string | null): Note {
    if (this.store.notes(roomId, seat).length >= MAX_NOTES_PER_AUTHOR) {
      throw new DomainError(Refusal.Conflict, `A room keeps at most ${MAX_NOTES_PER_AUTHOR} notes of each author.`)
    }
    const state = this.state(roomId)
    const now = this.now()
    const note = this.store.addNote(roomId, seat, {
      text,
      createdAt: now,
      sessionMs: sessionMs(state, now),
      shapeId,
      round: state.round,
    })
    // The timeline records that a note was written, never what it says.
    this.store.appendEvent(roomId, { ts: now, type: TimelineEventType.NoteWritten, data: { noteId: note.id, shapeId } })
    this.onChange(roomId, { kind: 'notes', seat })
    // The note is written: its draft is done with.
    if (this.store.drafts(roomId, seat, state.round).note !== undefined)
      this.saveDraft(roomId, seat, { kind: 'note', text: '' })
    return note
  }

  notes(roomId: string, seat: Role): Note[] {
    return this.store.notes(roomId, seat)
  }

  /**
   * The notes a seat reads: its own, and — for a seat that ran rounds as interviewer — the
   * observer's notes of those rounds, marked as the observer's.
   */
  notesFor(roomId: string, seat: Role): Note[] {
    const own = this.store.notes(roomId, seat)
    const ran = new Set(roundsRunBy(seat, this.state(roomId).round))
    if (ran.size === 0) return own
    const observer = this.store
      .notes(roomId, Role.Observer)
      .filter((n) => ran.has(n.round))
      .map((n) => ({ ...n, author: 'observer' as const }))
    return [...own, ...observer].sort((a, b) => a.createdAt - b.createdAt || a.id - b.id)
  }

  saveScorecard(roomId: string, seat: Role, scorecard: Scorecard): void {
    const { round } = this.state(roomId)
    this.store.saveScorecard(roomId, seat, round, scorecard, this.now())
    this.onChange(roomId, { kind: 'scorecard', seat })
    if (this.store.drafts(roomId, seat, round).scorecard !== undefined) {
      this.saveDraft(roomId, seat, { kind: 'scorecard', scorecard: null })
    }
  }

  /** Keep what `seat` is typing (or drop it, `null`), so a reload or a second tab finds it. */
  saveDraft(roomId: string, seat: Role, draft: SaveDraftInput): void {
    const round = this.state(roomId).round
    const content =
      draft.kind === 'scorecard'
        ? draft.scorecard && JSON.stringify(draft.scorecard)
        : draft.text.length > 0
          ? draft.text
          : null
    this.store.saveDraft(roomId, seat, round, draft.kind, content, this.now())
    this.onChange(roomId, { kind: 'drafts', seat })
  }

  /** `seat`'s unsaved drafts in the current round. */
  drafts(roomId: string, seat: Role): Drafts {
    const stored = this.store.drafts(roomId, seat, this.state(roomId).round)
    let scorecard: Scorecard | null = null
    if (stored.scorecard) {
      // Validated on the way in; checked again on the way out in case the schema moved on.
      const parsed = ScorecardSchema.safeParse(JSON.parse(stored.scorecard))
      if (parsed.success) scorecard = parsed.data
    }
    return { scorecard, note: stored.note ?? '' }
  }

  /** The scorecard `seat` wrote in `round` (default: the current round). */
  scorecard(roomId: string, seat: Role, round = this.state(roomId).round): Scorecard | null {
    return this.store.scorecard(roomId, seat, round)
  }

  publishFeedback(roomId: string, seat: Role, markdown: string): Feedback {
    const feedback: Feedback = { markdown, publishedAt: this.now(), round: this.state(roomId).round }
    this.store.publishFeedback(roomId, seat, feedback)
    this.store.appendEvent(roomId, {
      ts: feedback.publishedAt,
      type: TimelineEventType.FeedbackPublished,
      data: { round: feedback.round },
    })
    this.onChange(roomId, { kind: 'feedback', seat })
    return feedback
  }

  /**
   * The room's timeline events, oldest first, validated as they are read back; a row that does
   * not fit its type is reported and left out.
   */
  events(roomId: string): TimelineEvent[] {
    const events: TimelineEvent[] = []
    for (const row of this.store.events(roomId)) {
      const parsed = TimelineEventSchema.safeParse(row)
      if (parsed.success) events.push(parsed.data)
      else this.logger?.error('stored timeline event is invalid', { room: roomId, type: row.type, error: parsed.error })
    }
    return events
  }

  /** Record something that happened in the room (joins, leaves…) on its timeline. */
  record<K extends TimelineEventType>(roomId: string, type: K, data: TimelineEventData<K>): void {
    const count = this.recordedCounts.get(roomId) ?? this.countRecorded(roomId)
    this.recordedCounts.set(roomId, count + 1)
    if (count >= MAX_RECORDED_EVENTS_PER_ROOM) {
      if (count === MAX_RECORDED_EVENTS_PER_ROOM) {
        this.logger?.error('room timeline full; joins, leaves and mutes are no longer recorded', { room: roomId })
      }
      return
    }
    this.store.appendEvent(roomId, { ts: this.now(), type, data } as TimelineEvent)
  }

  private countRecorded(roomId: string): number {
    return this.store.events(roomId).filter((e) => RECORDED_TYPES.has(e.type)).length
  }

  /** Feedback written by `authorSeat` in `round` (default: the current round). */
  feedback(roomId: string, authorSeat: Role, round = this.state(roomId).round): Feedback | null {
    return this.store.feedback(roomId, authorSeat, round)
  }

  private commit(roomId: string, next: InterviewState, event: NewEvent): void {
    const now = this.now()
    this.states.set(roomId, next)
    this.store.saveState(roomId, next, now)
    this.store.appendEvent(roomId, { ts: now, ...event })
    this.onChange(roomId, { kind: 'state' })
  }
}
