import type { AnyTimelineEvent, AudioTrackInfo, Timeline, TimelineUpdate } from '@loopboard/protocol'

/** `m:ss` of a time since the start of the session (minutes are not wrapped into hours). */
export function formatTime(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000))
  const minutes = Math.floor(total / 60)
  const seconds = total % 60
  return `${minutes}:${String(seconds).padStart(2, '0')}`
}

/** A track or session length for people: `42 s`, `3 min 05 s`, `1 h 02 min`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000))
  if (total < 60) return `${total} s`
  const minutes = Math.floor(total / 60)
  if (minutes < 60) return `${minutes} min ${String(total % 60).padStart(2, '0')} s`
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value))
}

export interface SessionBounds {
  /** Server time of the first thing recorded (ms since the epoch). */
  start: number
  /** Server time of the last thing recorded; `end - start` is the length of the replay. */
  end: number
}

/**
 * From the first to the last timestamp of board updates, events and audio tracks (and the
 * server's own `startedAt`/`endedAt`, when it sends them, so offsets match the server's).
 */
export function sessionBounds(
  timeline: {
    updates: readonly TimelineUpdate[]
    events: readonly AnyTimelineEvent[]
    audio: ReadonlyArray<Partial<AudioTrackInfo> & Pick<AudioTrackInfo, 'startedAt' | 'durationMs'>>
  } & Partial<Pick<Timeline, 'startedAt' | 'endedAt'>>
): SessionBounds {
  let start = Infinity
  let end = -Infinity
  const see = (from: number, to = from) => {
    if (!Number.isFinite(from) || !Number.isFinite(to)) return
    start = Math.min(start, from)
    end = Math.max(end, to)
  }
  for (const u of timeline.updates) see(u.ts)
  for (const e of timeline.events) see(e.ts)
  for (const a of timeline.audio) see(a.startedAt, a.startedAt + Math.max(0, a.durationMs))
  if (typeof timeline.startedAt === 'number') see(timeline.startedAt)
  if (typeof timeline.endedAt === 'number') see(timeline.endedAt)
  if (start === Infinity) return { start: 0, end: 0 }
  return { start, end }
}

/** A file name part made of safe characters only. */
export function fileSafe(text: string): string {
  return (
    text
      .normalize('NFKD')
      .replace(/[^\w-]+/g, '-')
      .replace(/-+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'session'
  )
}
