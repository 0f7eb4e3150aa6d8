import type { Role } from '@loopboard/protocol'

/** An interview event on the session timeline (phase changes, hints, notes written, joins…). */
export interface TimelineEvent {
  ts: number
  type: string
  data: Record<string, unknown>
}

/** A board update as the timeline endpoint sends it: the Yjs update in base64. */
export interface TimelineUpdate {
  ts: number
  author: Role
  update: string
}

export interface TimelineAudioTrack {
  id: string
  userId: string
  name: string
  role: Role
  startedAt: number
  durationMs: number
  url: string
}

/** `GET /api/rooms/<roomId>/timeline`: everything a review needs, ordered by time. */
export interface Timeline {
  roomId: string
  title: string
  startedAt: number | null
  endedAt: number | null
  events: TimelineEvent[]
  updates: TimelineUpdate[]
  audio: TimelineAudioTrack[]
}
