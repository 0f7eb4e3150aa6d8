import {
  Action,
  may,
  controlEventType,
  InterviewStateSchema,
  InterviewStatus,
  Role,
  ROLES,
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
import { z } from 'zod'
import { DomainError, Refusal } from '../DomainError.ts'
import { KeyedLock } from '../limits/KeyedLock.ts'
import type { Logger } from '../logger.ts'
import type { RoomService } from '../rooms/RoomService.ts'
import type { InterviewStore, StateChange } from '../storage/InterviewStore.ts'
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
/** The links play swapped roles in even rounds: each swap starts the next round. */
export const rolesSwappedInRound = (round: number): boolean => round % 2 === 0

export const MAX_RECORDED_EVENTS_PER_ROOM = 5_000

/** What changed, so the socket layer knows whom to tell. */
export const InterviewChangeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('state') }),
  z.object({ kind: z.enum(['notes', 'scorecard', 'feedback', 'drafts']), seat: z.enum(ROLES) }),
  z.object({ kind: z.literal('roles-swapped') }),
])
export type InterviewChange = z.infer<typeof InterviewChangeSchema>

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
  /**
   * Whether this process is the store's only writer (the embedded SQLite, the default): then a
   * room's state, own prompts and recorded-event count are kept in memory. With a store shared by
   * several relays (Postgres) every read goes to the store, so no relay answers from a state
   * another relay has replaced.
   */
  soleWriter?: boolean
}

/** A command on the interview's state: the next state and its event, or null when nothing changes. */
type Command = (state: InterviewState, now: number) => { state: InterviewState; event: NewEvent } | null

/**
 * The interview of every room: prompt, phases, clock, hints, notes, scorecards, feedback.
 * It checks what a command may do in the current state; *who* may send it is checked by the
 * callers (socket handlers and HTTP routes), which know the sender's role. Every command reads
 * the state under the store's per-room lock (across relays with Postgres), applies, writes, and
 * only then announces the change.
 */
export class InterviewService {
  private store: InterviewStore
  private rooms: RoomService
  private logger: Pick<Logger, 'error'> | null
  private now: () => number
  private onChange: (roomId: string, change: InterviewChange) => void
  private soleWriter: boolean
  private states = new Map<string, InterviewState>()
  /** The rooms' own prompts, read once per room: every view sent to an interviewer lists them. */
  private customPromptCache = new Map<string, Prompt[]>()
  /** Events written by {@link record} per room (counted from storage on first use). */
  private recordedCounts = new Map<string, number>()
  /**
   * Bounded additions (a room's own prompts, an author's notes) of one room run one at a time in
   * this process, so concurrent commands cannot all pass the same count. Across relays the
   * bound can be passed by at most one addition per other relay racing.
   */
  private bounded = new KeyedLock()

  constructor(options: InterviewServiceOptions) {
    this.store = options.store
    this.rooms = options.rooms
    this.logger = options.logger ?? null
    this.now = options.now ?? Date.now
    this.onChange = options.onChange ?? (() => {})
    this.soleWriter = options.soleWriter ?? true
  }

  /** Set after construction when the broadcaster needs the service itself. */
  setOnChange(onChange: (roomId: string, change: InterviewChange) => void): void {
    this.onChange = onChange
  }

  async state(roomId: string): Promise<InterviewState> {
    if (!this.soleWriter) return this.parseState(roomId, await this.store.loadState(roomId))
    const cached = this.states.get(roomId)
    if (cached) return cached
    const state = this.parseState(roomId, await this.store.loadState(roomId))
    // A command may have stored (and cached) a newer state while this one was read.
    const newer = this.states.get(roomId)
    if (newer) return newer
    this.states.set(roomId, state)
    return state
  }

  /** The stored state, validated; a row that does not fit is reported and the room starts afresh. */
  private parseState(roomId: string, stored: unknown): InterviewState {
    if (stored === null || stored === undefined) return initialInterviewState()
    const parsed = InterviewStateSchema.safeParse(stored)
    if (parsed.success) return parsed.data
    this.logger?.error('stored interview state is invalid; starting afresh', { room: roomId, error: parsed.error })
    return initialInterviewState()
  }

  private async customPrompts(roomId: string): Promise<Prompt[]> {
    const cached = this.soleWriter ? this.customPromptCache.get(roomId) : undefined
    if (cached) return cached
    const prompts = await this.store.customPrompts(roomId)
    if (this.soleWriter) this.customPromptCache.set(roomId, prompts)
    return prompts
  }

  /** Drop what is held in memory for a room that was deleted. */
  forget(roomId: string): void {
    this.states.delete(roomId)
    this.customPromptCache.delete(roomId)
    this.recordedCounts.delete(roomId)
  }

  /** A prompt from the bank or this room's own prompts. */
  async prompt(roomId: string, promptId: string | null): Promise<Prompt | null> {
    if (!promptId) return null
    return getPrompt(promptId) ?? (await this.customPrompts(roomId)).find((p) => p.id === promptId) ?? null
  }

  /** The view for a role. Only the interviewer's carries guidance; unrevealed hints never leave. */
  async view(roomId: string, role: Role): Promise<InterviewView | InterviewerView> {
    const state = await this.state(roomId)
    const prompt = await this.prompt(roomId, state.promptId)
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
    return { ...base, guidance: prompt, customPrompts: (await this.customPrompts(roomId)).map(toPublicPrompt) }
  }

  async setPrompt(roomId: string, promptId: string): Promise<void> {
    const prompt = await this.prompt(roomId, promptId)
    if (!prompt) throw new DomainError(Refusal.NotFound, `No prompt "${promptId}".`)
    await this.change(roomId, (state) => {
      const next = applySetPrompt(state, promptId, prompt.phases.length)
      if (next === state) return null // already the room's prompt: nothing to record or send
      return { state: next, event: { type: TimelineEventType.PromptSet, data: { promptId, title: prompt.title } } }
    })
  }

  addCustomPrompt(roomId: string, input: z.output<typeof CustomPromptInputSchema>): Promise<Prompt> {
    return this.bounded.run(`prompts/${roomId}`, () => this.addBoundedPrompt(roomId, input))
  }

  private async addBoundedPrompt(roomId: string, input: z.output<typeof CustomPromptInputSchema>): Promise<Prompt> {
    if ((await this.store.customPrompts(roomId)).length >= MAX_CUSTOM_PROMPTS) {
      throw new DomainError(Refusal.Conflict, `A room holds at most ${MAX_CUSTOM_PROMPTS} prompts of its own.`)
    }
    const prompt = buildCustomPrompt(input)
    await this.store.addCustomPrompt(roomId, prompt, this.now())
    this.customPromptCache.delete(roomId)
    this.onChange(roomId, { kind: 'state' })
    return prompt
  }

  async control(roomId: string, action: ControlAction): Promise<void> {
    // Read before the lock: a room's own prompts are only ever added to.
    const prompts = await this.promptLookup(roomId)
    await this.change(roomId, (state, now) => {
      const prompt = prompts(state.promptId)
      const next = applyControl(state, action, prompt?.phases.length ?? 1, now)
      return {
        state: next,
        event: {
          type: controlEventType(action),
          data: { phaseIndex: next.phaseIndex, phase: prompt?.phases[next.phaseIndex]?.title ?? null },
        },
      }
    })
  }

  async revealHint(roomId: string): Promise<void> {
    const prompts = await this.promptLookup(roomId)
    await this.change(roomId, (state) => {
      const next = applyRevealHint(state, prompts(state.promptId)?.hints.length ?? 0)
      return {
        state: next,
        event: { type: TimelineEventType.HintRevealed, data: { hintIndex: next.hintsRevealed - 1 } },
      }
    })
  }

  /** Peer mocks: the two links trade roles and a new round begins, with no prompt yet. */
  async swapRoles(roomId: string): Promise<void> {
    if (!(await this.rooms.get(roomId))) throw new DomainError(Refusal.NotFound, 'No such room.')
    const next = await this.change(roomId, (state) => {
      if (state.status === InterviewStatus.Running || state.status === InterviewStatus.Paused) {
        throw new DomainError(Refusal.Conflict, 'Finish the current interview before swapping roles.')
      }
      if (state.round >= MAX_ROUNDS_PER_ROOM) {
        throw new DomainError(Refusal.Conflict, `A room runs at most ${MAX_ROUNDS_PER_ROOM} rounds.`)
      }
      const round = state.round + 1
      return { state: initialInterviewState(round), event: { type: TimelineEventType.RolesSwapped, data: { round } } }
    })
    // Each swap starts the next round: the links play swapped roles in even rounds. Written from
    // the committed round, so racing swaps leave the room consistent with its state.
    await this.rooms.setRolesSwapped(roomId, rolesSwappedInRound(next.round))
    this.onChange(roomId, { kind: 'roles-swapped' })
  }

  addNote(roomId: string, seat: Role, text: string, shapeId: string | null): Promise<Note> {
    return this.bounded.run(`notes/${roomId}/${seat}`, () => this.addBoundedNote(roomId, seat, text, shapeId))
  }

  private async addBoundedNote(roomId: string, seat: Role, text: string, shapeId: string | null): Promise<Note> {
    if ((await this.store.notes(roomId, seat)).length >= MAX_NOTES_PER_AUTHOR) {
      throw new DomainError(Refusal.Conflict, `A room keeps at most ${MAX_NOTES_PER_AUTHOR} notes of each author.`)
    }
    const state = await this.state(roomId)
    const now = this.now()
    const note = await this.store.addNote(roomId, seat, {
      text,
      createdAt: now,
      sessionMs: sessionMs(state, now),
      shapeId,
      round: state.round,
    })
    // The timeline records that a note was written, never what it says.
    await this.store.appendEvent(roomId, {
      ts: now,
      type: TimelineEventType.NoteWritten,
      data: { noteId: note.id, shapeId },
    })
    this.onChange(roomId, { kind: 'notes', seat })
    // The note is written: its draft is done with.
    if ((await this.store.drafts(roomId, seat, state.round)).note !== undefined)
      await this.saveDraft(roomId, seat, { kind: 'note', text: '' })
    return note
  }

  notes(roomId: string, seat: Role): Promise<Note[]> {
    return this.store.notes(roomId, seat)
  }

  /**
   * The notes a seat reads: its own, and — for a seat that ran rounds as interviewer — the
   * observer's notes of those rounds, marked as the observer's.
   */
  async notesFor(roomId: string, seat: Role): Promise<Note[]> {
    const own = await this.store.notes(roomId, seat)
    const ran = new Set(roundsRunBy(seat, (await this.state(roomId)).round))
    if (ran.size === 0) return own
    const observer = (await this.store.notes(roomId, Role.Observer))
      .filter((n) => ran.has(n.round))
      .map((n) => ({ ...n, author: 'observer' as const }))
    return [...own, ...observer].sort((a, b) => a.createdAt - b.createdAt || a.id - b.id)
  }

  async saveScorecard(roomId: string, seat: Role, scorecard: Scorecard): Promise<void> {
    const { round } = await this.state(roomId)
    await this.store.saveScorecard(roomId, seat, round, scorecard, this.now())
    this.onChange(roomId, { kind: 'scorecard', seat })
    if ((await this.store.drafts(roomId, seat, round)).scorecard !== undefined) {
      await this.saveDraft(roomId, seat, { kind: 'scorecard', scorecard: null })
    }
  }

  /** Keep what `seat` is typing (or drop it, `null`), so a reload or a second tab finds it. */
  async saveDraft(roomId: string, seat: Role, draft: SaveDraftInput): Promise<void> {
    const { round } = await this.state(roomId)
    const content =
      draft.kind === 'scorecard'
        ? draft.scorecard && JSON.stringify(draft.scorecard)
        : draft.text.length > 0
          ? draft.text
          : null
    await this.store.saveDraft(roomId, seat, round, draft.kind, content, this.now())
    this.onChange(roomId, { kind: 'drafts', seat })
  }

  /** `seat`'s unsaved drafts in the current round. */
  async drafts(roomId: string, seat: Role): Promise<Drafts> {
    const stored = await this.store.drafts(roomId, seat, (await this.state(roomId)).round)
    let scorecard: Scorecard | null = null
    if (stored.scorecard) {
      // Validated on the way in; checked again on the way out in case the schema moved on.
      const parsed = ScorecardSchema.safeParse(JSON.parse(stored.scorecard))
      if (parsed.success) scorecard = parsed.data
    }
    return { scorecard, note: stored.note ?? '' }
  }

  /** The scorecard `seat` wrote in `round` (default: the current round). */
  async scorecard(roomId: string, seat: Role, round?: number): Promise<Scorecard | null> {
    return this.store.scorecard(roomId, seat, round ?? (await this.state(roomId)).round)
  }

  async publishFeedback(roomId: string, seat: Role, markdown: string): Promise<Feedback> {
    const feedback: Feedback = { markdown, publishedAt: this.now(), round: (await this.state(roomId)).round }
    await this.store.publishFeedback(roomId, seat, feedback)
    await this.store.appendEvent(roomId, {
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
  async events(roomId: string): Promise<TimelineEvent[]> {
    const events: TimelineEvent[] = []
    for (const row of await this.store.events(roomId)) {
      const parsed = TimelineEventSchema.safeParse(row)
      if (parsed.success) events.push(parsed.data)
      else this.logger?.error('stored timeline event is invalid', { room: roomId, type: row.type, error: parsed.error })
    }
    return events
  }

  /** Record something that happened in the room (joins, leaves…) on its timeline. */
  async record<K extends TimelineEventType>(roomId: string, type: K, data: TimelineEventData<K>): Promise<void> {
    const ts = this.now()
    let count = this.soleWriter ? this.recordedCounts.get(roomId) : undefined
    if (count === undefined) {
      const counted = await this.store.countEvents(roomId, [...RECORDED_TYPES])
      // Another call may have counted meanwhile; its count already includes what it added.
      count = (this.soleWriter ? this.recordedCounts.get(roomId) : undefined) ?? counted
    }
    if (this.soleWriter) this.recordedCounts.set(roomId, count + 1)
    if (count >= MAX_RECORDED_EVENTS_PER_ROOM) {
      if (count === MAX_RECORDED_EVENTS_PER_ROOM) {
        this.logger?.error('room timeline full; joins, leaves and mutes are no longer recorded', { room: roomId })
      }
      return
    }
    await this.store.appendEvent(roomId, { ts, type, data } as TimelineEvent)
  }

  /** Feedback written by `authorSeat` in `round` (default: the current round). */
  async feedback(roomId: string, authorSeat: Role, round?: number): Promise<Feedback | null> {
    return this.store.feedback(roomId, authorSeat, round ?? (await this.state(roomId)).round)
  }

  /** Prompts by id (the bank's and the room's own), for a command that must look one up under the lock. */
  private async promptLookup(roomId: string): Promise<(promptId: string | null) => Prompt | null> {
    const own = await this.customPrompts(roomId)
    return (promptId) => (promptId ? (getPrompt(promptId) ?? own.find((p) => p.id === promptId) ?? null) : null)
  }

  /**
   * Apply `command` to the room's stored state under the store's lock, store the result with its
   * event, then announce it. Resolves to the room's state after the command.
   */
  private async change(roomId: string, command: Command): Promise<InterviewState> {
    let next = null as InterviewState | null
    const change = await this.store.changeState(
      roomId,
      (stored): StateChange | null => {
        // The clock is read once the lock is held: commands are stamped in the order they apply.
        const now = this.now()
        const result = command(this.parseState(roomId, stored), now)
        if (!result) return null
        next = result.state
        return { state: result.state, event: { ts: now, ...result.event } as TimelineEvent }
      },
      this.now()
    )
    if (!change || !next) return this.state(roomId)
    if (this.soleWriter) this.states.set(roomId, next)
    this.onChange(roomId, { kind: 'state' })
    return next
  }
}
