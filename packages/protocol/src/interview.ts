import type { Prompt, PublicPrompt } from '@loopboard/prompts/public'
import { z } from 'zod'
import type { InterviewStatus } from './timer.ts'

/** Longest private note, in characters. */
export const MAX_NOTE_LENGTH = 2_000
/** Longest scorecard comment or summary, in characters. */
export const MAX_COMMENT_LENGTH = 4_000
/** Longest published feedback, in characters. */
export const MAX_FEEDBACK_LENGTH = 20_000
/**
 * Private notes one author (seat) may keep in a room, all rounds together: far more than an
 * interview needs, and each note re-sends the author's list, so it bounds storage and traffic.
 */
export const MAX_NOTES_PER_AUTHOR = 500
/**
 * Rounds one room may run (every Swap roles starts one): far more than a mock session needs; each
 * round adds a timeline event and a line to every review's round list, so it bounds both.
 */
export const MAX_ROUNDS_PER_ROOM = 100
/** Custom prompts an interviewer may add to one room. */
export const MAX_CUSTOM_PROMPTS = 20

const text = (max: number) => z.string().trim().min(1).max(max)

/** An interviewer's own prompt. Only title and statement are required. */
export const CustomPromptInputSchema = z
  .object({
    title: text(120),
    statement: text(4_000),
    track: z.enum(['backend', 'ml']).default('backend'),
    difficulty: z.enum(['medium', 'hard']).default('medium'),
    tags: z.array(text(40)).max(10).default([]),
    durationMinutes: z.number().int().min(15).max(90).default(45),
    hints: z.array(text(500)).max(6).default([]),
    /** Private guidance for the interviewer: what a strong answer covers. */
    guidance: z.string().trim().max(4_000).default(''),
  })
  .strict()
export type CustomPromptInput = z.input<typeof CustomPromptInputSchema>

export const SetPromptSchema = z.object({ promptId: z.string().min(1).max(80) }).strict()
export const AddPromptSchema = z.object({ prompt: CustomPromptInputSchema }).strict()

export const ControlAction = {
  Start: 'start',
  Pause: 'pause',
  Resume: 'resume',
  NextPhase: 'next-phase',
  PreviousPhase: 'previous-phase',
  Finish: 'finish',
} as const
export type ControlAction = (typeof ControlAction)[keyof typeof ControlAction]
export const ControlSchema = z
  .object({ action: z.enum(Object.values(ControlAction) as [ControlAction, ...ControlAction[]]) })
  .strict()

export const EmptySchema = z.object({}).strict()

export const AddNoteSchema = z
  .object({
    text: z
      .string()
      .trim()
      .min(1, 'a note needs some text')
      .max(MAX_NOTE_LENGTH, `notes are limited to ${MAX_NOTE_LENGTH} characters`),
    shapeId: z
      .string()
      .regex(/^shape:[\w-]{1,64}$/)
      .nullable()
      .default(null),
  })
  .strict()
export type AddNoteInput = z.input<typeof AddNoteSchema>

export const RECOMMENDATIONS = ['strong-no', 'no', 'yes', 'strong-yes'] as const
export type Recommendation = (typeof RECOMMENDATIONS)[number]

export const ScorecardSchema = z
  .object({
    scores: z.record(
      z.string().regex(/^[a-z0-9-]{1,60}$/),
      z
        .object({ score: z.number().int().min(1).max(4).nullable(), comment: z.string().max(MAX_COMMENT_LENGTH) })
        .strict()
    ),
    recommendation: z.enum(RECOMMENDATIONS).nullable(),
    summary: z.string().max(MAX_COMMENT_LENGTH),
  })
  .strict()
  .refine((s) => Object.keys(s.scores).length <= 20, 'at most 20 rubric dimensions')
export type Scorecard = z.infer<typeof ScorecardSchema>

/**
 * What an author has typed but not saved yet, kept on the server as they type so a reload or a
 * second tab finds it: the scorecard being edited and the note being written.
 */
export const SaveDraftSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('scorecard'), scorecard: ScorecardSchema.nullable() }).strict(),
  z.object({ kind: z.literal('note'), text: z.string().max(MAX_NOTE_LENGTH) }).strict(),
])
export type SaveDraftInput = z.input<typeof SaveDraftSchema>

/** An author's drafts in the current round (`null`/empty: nothing unsaved). */
export interface Drafts {
  scorecard: Scorecard | null
  note: string
}

export const PublishFeedbackSchema = z.object({ markdown: text(MAX_FEEDBACK_LENGTH) }).strict()

/** A private interviewer note. */
export interface Note {
  id: number
  text: string
  /** Server time it was written. */
  createdAt: number
  /** Time since the session started when it was written; null before the start. */
  sessionMs: number | null
  /** The shape selected when it was written, if any. */
  shapeId: string | null
  round: number
  /** Set on a note the observer wrote, as the interviewer sees it (theirs, not the interviewer's). */
  author?: 'observer'
}

export interface Feedback {
  markdown: string
  publishedAt: number
  round: number
}

/** `GET /api/prompts` (public): the bank without guidance. */
export interface PromptListResponse {
  prompts: PublicPrompt[]
}

/** `GET /api/prompts/<promptId>` (interviewer token): one prompt with its guidance. */
export interface PromptResponse {
  prompt: Prompt
}

/** `GET /api/rooms/<roomId>/notes` (interviewer): the bearer's private notes. */
export interface NotesResponse {
  notes: Note[]
}

/** `201` answer of `POST /api/rooms/<roomId>/notes`. */
export interface NoteResponse {
  note: Note
}

/** `GET /api/rooms/<roomId>/review` (interviewer): what the review shows beside the replay. */
export interface ReviewResponse {
  roomId: string
  title: string
  /** The round under review. */
  round: number
  /** Every round the bearer ran as interviewer (each has its own review: `?round=<n>`). */
  rounds: number[]
  /** The bearer's private notes written in this round. */
  notes: Note[]
  /** Whether the bearer may delete the session (only the seat that created the room). */
  canDelete: boolean
  prompt: Prompt | null
  scorecard: Scorecard | null
  feedback: Feedback | null
}

/** The interview as a candidate or observer sees it: no guidance, only revealed hints. */
export interface InterviewView {
  round: number
  status: InterviewStatus
  phaseIndex: number
  phaseElapsedMs: number
  phaseResumedAt: number | null
  sessionStartedAt: number | null
  /** Server time when this view was sent. */
  serverNow: number
  prompt: PublicPrompt | null
  revealedHints: string[]
}

/** What only the interviewer receives, on the interviewer's sockets alone. */
export interface InterviewerView extends InterviewView {
  guidance: Prompt | null
  /** The room's own prompts, for the picker. */
  customPrompts: PublicPrompt[]
}

export const InterviewEvent = {
  State: 'interview:state',
  SetPrompt: 'interview:set-prompt',
  AddPrompt: 'interview:add-prompt',
  Control: 'interview:control',
  RevealHint: 'interview:reveal-hint',
  SwapRoles: 'interview:swap-roles',
  Notes: 'notes:state',
  AddNote: 'notes:add',
  Scorecard: 'scorecard:state',
  SaveScorecard: 'scorecard:save',
  PublishFeedback: 'feedback:publish',
  Feedback: 'feedback:state',
  SaveDraft: 'draft:save',
  Drafts: 'draft:state',
  SessionChanged: 'session:changed',
  TimeSync: 'time:sync',
} as const

/** Answer to a command: `ok`, or an error meant for the person who sent it. */
export type CommandAck<T = object> = ({ ok: true } & T) | { ok: false; error: string }
type Reply<T = object> = (ack: CommandAck<T>) => void

export interface InterviewServerToClient {
  [InterviewEvent.State]: (view: InterviewView | InterviewerView) => void
  [InterviewEvent.Notes]: (payload: { notes: Note[] }) => void
  [InterviewEvent.Scorecard]: (payload: { scorecard: Scorecard | null }) => void
  [InterviewEvent.Feedback]: (payload: { feedback: Feedback | null }) => void
  [InterviewEvent.Drafts]: (payload: { drafts: Drafts }) => void
  [InterviewEvent.SessionChanged]: (payload: { reason: 'roles-swapped' }) => void
}

export interface InterviewClientToServer {
  [InterviewEvent.SetPrompt]: (payload: z.input<typeof SetPromptSchema>, ack: Reply) => void
  [InterviewEvent.AddPrompt]: (payload: z.input<typeof AddPromptSchema>, ack: Reply<{ promptId: string }>) => void
  [InterviewEvent.Control]: (payload: z.input<typeof ControlSchema>, ack: Reply) => void
  [InterviewEvent.RevealHint]: (payload: Record<string, never>, ack: Reply) => void
  [InterviewEvent.SwapRoles]: (payload: Record<string, never>, ack: Reply) => void
  [InterviewEvent.AddNote]: (payload: AddNoteInput, ack: Reply<{ note: Note }>) => void
  [InterviewEvent.SaveScorecard]: (payload: Scorecard, ack: Reply) => void
  [InterviewEvent.PublishFeedback]: (payload: z.input<typeof PublishFeedbackSchema>, ack: Reply) => void
  [InterviewEvent.SaveDraft]: (payload: SaveDraftInput, ack: Reply) => void
  [InterviewEvent.TimeSync]: (payload: Record<string, never>, ack: (reply: { serverNow: number }) => void) => void
}
