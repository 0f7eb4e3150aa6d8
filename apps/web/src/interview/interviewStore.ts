import type {
  CommandAck,
  ControlAction,
  CustomPromptInput,
  Drafts,
  Feedback,
  InterviewerView,
  InterviewView,
  Note,
  SaveDraftInput,
  Scorecard,
} from '@loopboard/protocol'
import { create } from 'zustand'

/** Commands the interviewer sends; each resolves with the server's answer. */
export interface InterviewCommands {
  setPrompt(promptId: string): Promise<CommandAck>
  addPrompt(prompt: CustomPromptInput): Promise<CommandAck<{ promptId: string }>>
  control(action: ControlAction): Promise<CommandAck>
  revealHint(): Promise<CommandAck>
  swapRoles(): Promise<CommandAck>
  addNote(text: string, shapeId: string | null): Promise<CommandAck<{ note: Note }>>
  saveScorecard(scorecard: Scorecard): Promise<CommandAck>
  publishFeedback(markdown: string): Promise<CommandAck>
  saveDraft(draft: SaveDraftInput): Promise<CommandAck>
}

export interface InterviewState {
  view: InterviewView | InterviewerView | null
  /** Add to `Date.now()` to get server time. */
  clockOffsetMs: number
  notes: Note[]
  scorecard: Scorecard | null
  feedback: Feedback | null
  /** What this author typed and has not saved, as the server keeps it (null until it says). */
  drafts: Drafts | null
  commands: InterviewCommands | null
  set: (patch: Partial<Omit<InterviewState, 'set' | 'reset'>>) => void
  reset: () => void
}

const initial = {
  view: null,
  clockOffsetMs: 0,
  notes: [] as Note[],
  scorecard: null,
  feedback: null,
  drafts: null,
  commands: null,
}

export const useInterviewStore = create<InterviewState>()((set) => ({
  ...initial,
  set: (patch) => set(patch),
  reset: () => set(initial),
}))

/** The interviewer's view carries guidance; only interviewer sockets ever receive it. */
export function isInterviewerView(view: InterviewView | InterviewerView | null): view is InterviewerView {
  return !!view && 'guidance' in view
}
