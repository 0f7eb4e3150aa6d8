import { TimelineEventType as T, type AnyTimelineEvent } from '@loopboard/protocol'

export type MarkerKind =
  'phase' | 'prompt' | 'hint' | 'note' | 'presence' | 'recording' | 'roles' | 'feedback' | 'other'

/** One event as a tick on the seek slider and a row in the events list. */
export interface Marker {
  /** Index in the timeline's events, for React keys. */
  key: string
  /** Server time. */
  ts: number
  /** Time since the session start. */
  offset: number
  type: string
  kind: MarkerKind
  label: string
}

const str = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value.trim() : null)
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null)

function who(data: Record<string, unknown>): string {
  const name = str(data.name) ?? 'Someone'
  const role = str(data.role)
  return role ? `${name} (${role})` : name
}

/**
 * What an event looks like on the timeline: its kind (for colour) and a short label.
 * `nameOf` finds a participant's name from their userId (for events that carry only the id).
 */
export function describeEvent(
  event: Pick<AnyTimelineEvent, 'type' | 'data'>,
  nameOf: (userId: string) => string | null = () => null
): { kind: MarkerKind; label: string } {
  const { data } = event
  const phase = str(data.phase)
  const index = num(data.phaseIndex)
  const phaseName = phase ?? (index !== null ? `phase ${index + 1}` : null)
  switch (event.type) {
    case T.InterviewStart:
      return { kind: 'phase', label: phaseName ? `Interview started · ${phaseName}` : 'Interview started' }
    case T.InterviewNextPhase:
      return { kind: 'phase', label: `Next phase${phaseName ? ` · ${phaseName}` : ''}` }
    case T.InterviewPreviousPhase:
      return { kind: 'phase', label: `Back to a phase${phaseName ? ` · ${phaseName}` : ''}` }
    case T.InterviewPause:
      return { kind: 'phase', label: 'Interview paused' }
    case T.InterviewResume:
      return { kind: 'phase', label: 'Interview resumed' }
    case T.InterviewFinish:
      return { kind: 'phase', label: 'Interview finished' }
    case T.PromptSet:
      return { kind: 'prompt', label: `Prompt set${str(data.title) ? ` · ${str(data.title)}` : ''}` }
    case T.HintRevealed: {
      const hint = num(data.hintIndex)
      return { kind: 'hint', label: hint !== null ? `Hint ${hint + 1} revealed` : 'Hint revealed' }
    }
    case T.NoteWritten:
      return { kind: 'note', label: data.shapeId ? 'Note written (on a shape)' : 'Note written' }
    case T.Joined:
      return { kind: 'presence', label: `${who(data)} joined` }
    case T.Left:
      return { kind: 'presence', label: `${who(data)} left` }
    case T.AudioJoined:
      return { kind: 'presence', label: `${who(data)} joined the audio` }
    case T.AudioLeft:
      return { kind: 'presence', label: `${who(data)} left the audio` }
    case T.Muted:
      return { kind: 'presence', label: `${who(data)} muted` }
    case T.Unmuted:
      return { kind: 'presence', label: `${who(data)} unmuted` }
    case T.RecordingStarted:
      return { kind: 'recording', label: `Recording started${str(data.name) ? ` by ${str(data.name)}` : ''}` }
    case T.RecordingStopped:
      return { kind: 'recording', label: `Recording stopped${str(data.name) ? ` by ${str(data.name)}` : ''}` }
    case T.RecordingConsent: {
      const name = str(data.name) ?? (typeof data.userId === 'string' ? nameOf(data.userId) : null)
      const consent = data.consent !== false
      return {
        kind: 'recording',
        label: `${name ?? 'Someone'} ${consent ? 'agreed to be recorded' : 'declined to be recorded'}`,
      }
    }
    case T.RolesSwapped: {
      const round = num(data.round)
      return { kind: 'roles', label: `Roles swapped${round !== null ? ` · round ${round}` : ''}` }
    }
    case T.FeedbackPublished:
      return { kind: 'feedback', label: 'Feedback published' }
    default:
      return { kind: 'other', label: event.type.replace(/[-_]+/g, ' ') }
  }
}

/** Every event as a marker, oldest first, with its offset from the session start. */
export function deriveMarkers(events: readonly AnyTimelineEvent[], start: number): Marker[] {
  const names = new Map<string, string>()
  for (const event of events) {
    const { userId, name } = event.data
    if (typeof userId === 'string' && typeof name === 'string' && name.trim()) names.set(userId, name.trim())
  }
  const nameOf = (userId: string) => names.get(userId) ?? null
  return events
    .map((event, i) => ({ event, i }))
    .sort((a, b) => a.event.ts - b.event.ts || a.i - b.i)
    .map(({ event, i }) => ({
      key: `${i}`,
      ts: event.ts,
      offset: Math.max(0, event.ts - start),
      type: event.type,
      ...describeEvent(event, nameOf),
    }))
}
