import { z } from 'zod'
import { ControlAction } from './interview.ts'
import { RoleSchema } from './roles.ts'
import { InterviewStatus } from './timer.ts'

/**
 * Every event the server writes on a room's timeline (the `events` table, the timeline JSON,
 * the archive's `timeline.json`). Adding one: a name here, its data in
 * {@link TimelineEventSchema}, a label in the review's `markers.ts`.
 */
export const TimelineEventType = {
  InterviewStart: `interview-${ControlAction.Start}`,
  InterviewPause: `interview-${ControlAction.Pause}`,
  InterviewResume: `interview-${ControlAction.Resume}`,
  InterviewNextPhase: `interview-${ControlAction.NextPhase}`,
  InterviewPreviousPhase: `interview-${ControlAction.PreviousPhase}`,
  InterviewFinish: `interview-${ControlAction.Finish}`,
  PromptSet: 'prompt-set',
  HintRevealed: 'hint-revealed',
  RolesSwapped: 'roles-swapped',
  NoteWritten: 'note-written',
  FeedbackPublished: 'feedback-published',
  Joined: 'joined',
  Left: 'left',
  AudioJoined: 'audio-joined',
  AudioLeft: 'audio-left',
  Muted: 'muted',
  Unmuted: 'unmuted',
  RecordingStarted: 'recording-started',
  RecordingStopped: 'recording-stopped',
  RecordingConsent: 'recording-consent',
} as const
export type TimelineEventType = (typeof TimelineEventType)[keyof typeof TimelineEventType]

/** The timeline event a phase/timer command writes. */
export const controlEventType = (action: ControlAction) =>
  `interview-${action}` as Extract<TimelineEventType, `interview-${string}`>

const T = TimelineEventType
/** Who did it: a participant as they were when it happened. */
const ParticipantData = z.object({ userId: z.string(), name: z.string(), role: RoleSchema })
const PhaseData = z.object({ phaseIndex: z.number().int(), phase: z.string().nullable() })
const ByData = z.object({ userId: z.string(), name: z.string() })

/** The data each timeline event carries. */
const dataOf = {
  [T.InterviewStart]: PhaseData,
  [T.InterviewPause]: PhaseData,
  [T.InterviewResume]: PhaseData,
  [T.InterviewNextPhase]: PhaseData,
  [T.InterviewPreviousPhase]: PhaseData,
  [T.InterviewFinish]: PhaseData,
  [T.PromptSet]: z.object({ promptId: z.string(), title: z.string() }),
  [T.HintRevealed]: z.object({ hintIndex: z.number().int() }),
  [T.RolesSwapped]: z.object({ round: z.number().int() }),
  // Never what the note says: the timeline is not private to its author.
  [T.NoteWritten]: z.object({ noteId: z.number().int(), shapeId: z.string().nullable() }),
  [T.FeedbackPublished]: z.object({ round: z.number().int() }),
  [T.Joined]: ParticipantData,
  [T.Left]: ParticipantData,
  [T.AudioJoined]: ParticipantData,
  [T.AudioLeft]: ParticipantData,
  [T.Muted]: ParticipantData,
  [T.Unmuted]: ParticipantData,
  [T.RecordingStarted]: ByData,
  [T.RecordingStopped]: ByData,
  [T.RecordingConsent]: z.object({ userId: z.string(), consent: z.boolean() }),
} satisfies Record<TimelineEventType, z.ZodType>

/** The data of one kind of timeline event. */
export type TimelineEventData<K extends TimelineEventType> = z.infer<(typeof dataOf)[K]>

const eventSchema = <K extends TimelineEventType>(type: K) =>
  z.object({ ts: z.number(), type: z.literal(type), data: dataOf[type] })

type EventSchemas = { [K in TimelineEventType]: ReturnType<typeof eventSchema<K>> }[TimelineEventType]

/** One timeline event, tagged by `type`. Validated when read back from storage. */
export const TimelineEventSchema = z.discriminatedUnion(
  'type',
  (Object.values(TimelineEventType) as TimelineEventType[]).map(eventSchema) as [EventSchemas, ...EventSchemas[]]
)
export type TimelineEvent = z.infer<typeof TimelineEventSchema>

/**
 * What a tolerant reader of the timeline takes: any event, known or not (the review labels an
 * event it does not know by its type). Every {@link TimelineEvent} is one.
 */
export interface AnyTimelineEvent {
  ts: number
  type: string
  data: Record<string, unknown>
}

/** A timeline event of one kind. */
export type TimelineEventOf<K extends TimelineEventType> = Extract<TimelineEvent, { type: K }>

/** A board update as the timeline endpoint sends it: the Yjs update in base64. */
export const TimelineUpdateSchema = z.object({ ts: z.number(), author: RoleSchema, update: z.string() })
export type TimelineUpdate = z.infer<typeof TimelineUpdateSchema>

/** A recorded audio track, as the timeline, the review and the upload answer describe it. */
export const AudioTrackInfoSchema = z.object({
  id: z.string(),
  userId: z.string(),
  name: z.string(),
  role: RoleSchema,
  mimeType: z.string(),
  /** Server time the first chunk was recorded. */
  startedAt: z.number(),
  /** Recorded length, from the chunks received so far. */
  durationMs: z.number(),
  chunks: z.number().int(),
  /** Where the interviewer's browser fetches the whole track (needs the interviewer token). */
  url: z.string(),
})
export type AudioTrackInfo = z.infer<typeof AudioTrackInfoSchema>

/** `GET /api/rooms/<roomId>/timeline` (interviewer): everything a review needs, ordered by time. */
export const TimelineSchema = z.object({
  roomId: z.string(),
  title: z.string(),
  /** First and last board update or event; null for an empty session. */
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  events: z.array(TimelineEventSchema),
  updates: z.array(TimelineUpdateSchema),
  audio: z.array(AudioTrackInfoSchema),
})
export type Timeline = z.infer<typeof TimelineSchema>

/** The interview of one room as stored (`interview_state`); validated when read back. */
export const InterviewStateSchema = z.object({
  /** 1 for the first interview; a role swap starts round 2, and so on. */
  round: z.number().int().min(1),
  promptId: z.string().nullable(),
  status: z.enum(Object.values(InterviewStatus) as [InterviewStatus, ...InterviewStatus[]]),
  phaseIndex: z.number().int().min(0),
  phaseElapsedMs: z.number().min(0),
  phaseResumedAt: z.number().nullable(),
  sessionStartedAt: z.number().nullable(),
  hintsRevealed: z.number().int().min(0),
})
export type InterviewState = z.infer<typeof InterviewStateSchema>
