import { Role } from './roles.ts'

/**
 * Everything a seat can ask to do in a room, whatever the entry point (HTTP, socket.io, /yjs,
 * audio signalling). The server checks every request against {@link may}; the client uses the
 * same table only to hide what would be refused.
 */
export const Action = {
  /** Open the room: session info, presence, the board read-only, the room's events. */
  JoinRoom: 'room:join',
  /** Change the shared board (and the shared notes in it). */
  EditBoard: 'board:edit',
  /** Choose the prompt, write one, run phases and the clock, reveal hints, swap roles. */
  ControlInterview: 'interview:control',
  /** Read a prompt's guidance: hints before they are revealed, strong answer, rubric. */
  ReadGuidance: 'interview:guidance',
  /** Write and read one's own private notes. */
  TakeNotes: 'notes:write',
  /**
   * Write private notes for the interviewer (the observer as note-taker): the author and the
   * interviewer read them, the candidate never does. Over the room socket only.
   */
  ShareNotes: 'notes:share',
  /** Score the candidate and publish feedback. */
  Score: 'scorecard:write',
  /** Read the feedback the interviewer published. */
  ReadFeedback: 'feedback:read',
  /** Replay the session: timeline, review, summary, archive, recorded audio. */
  Review: 'session:review',
  /** Delete the room and everything recorded in it. */
  DeleteRoom: 'room:delete',
  /** Start and stop recording. */
  ControlRecording: 'recording:control',
  /** Say whether one's own audio may be recorded. */
  ConsentToRecording: 'recording:consent',
  /** Upload one's own recorded audio. */
  RecordOwnAudio: 'recording:upload',
  /** Join the room's audio (listen). */
  JoinAudio: 'audio:join',
  /** Send one's microphone to the others. */
  SendAudio: 'audio:send',
} as const
export type Action = (typeof Action)[keyof typeof Action]

const { Interviewer, Candidate, Observer } = Role
const EVERYONE = [Interviewer, Candidate, Observer] as const
const SPEAKERS = [Interviewer, Candidate] as const

/** The whole permission table: which roles may do each action. */
export const PERMISSIONS: Readonly<Record<Action, readonly Role[]>> = {
  [Action.JoinRoom]: EVERYONE,
  [Action.EditBoard]: SPEAKERS,
  [Action.ControlInterview]: [Interviewer],
  [Action.ReadGuidance]: [Interviewer],
  [Action.TakeNotes]: [Interviewer],
  [Action.ShareNotes]: [Observer],
  [Action.Score]: [Interviewer],
  [Action.ReadFeedback]: [Interviewer, Candidate],
  [Action.Review]: [Interviewer],
  [Action.DeleteRoom]: [Interviewer],
  [Action.ControlRecording]: [Interviewer],
  [Action.ConsentToRecording]: EVERYONE,
  [Action.RecordOwnAudio]: SPEAKERS,
  [Action.JoinAudio]: EVERYONE,
  [Action.SendAudio]: SPEAKERS,
}

/**
 * May a seat currently playing `role` do `action` in its room? `role` is the role the seat plays
 * now (a peer mock's swap trades the interviewer's and candidate's), never one a client claims.
 */
export function may(role: Role, action: Action): boolean {
  return PERMISSIONS[action].includes(role)
}

/** Why `action` is refused to `role`, for error messages. */
export function refusal(role: Role, action: Action): string {
  const allowed = PERMISSIONS[action]
  const who = allowed.length === 1 ? `the ${allowed[0]}` : allowed.map((r) => `the ${r}`).join(' and ')
  return `Only ${who} can do that (you are the ${role}).`
}

/** Whether a role may change the shared board. Enforced by the relay, mirrored by the UI. */
export function canEditBoard(role: Role): boolean {
  return may(role, Action.EditBoard)
}
