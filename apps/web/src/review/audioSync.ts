import type { AudioTrackInfo } from '@loopboard/protocol'

/** Resync a track when it has drifted this far from the replay clock (seconds). */
export const MAX_DRIFT_S = 0.3

/**
 * Where a track should be at replay time `t` (server ms): its position in seconds, or null
 * outside its span.
 */
export function trackPosition(track: Pick<AudioTrackInfo, 'startedAt' | 'durationMs'>, t: number): number | null {
  const local = t - track.startedAt
  return local >= 0 && local < track.durationMs ? local / 1000 : null
}

export interface AudioStep {
  /** Set `currentTime` to this (seconds). */
  seekTo: number | null
  play: boolean
  pause: boolean
}

/**
 * What to do with one `<audio>` so it follows the replay: inside its span it plays (when the
 * replay plays) at the replay's position, resynced only past {@link MAX_DRIFT_S}; outside it is
 * paused.
 */
export function audioStep(
  at: number | null,
  element: { currentTime: number; paused: boolean; seekable: boolean },
  playing: boolean
): AudioStep {
  if (at === null) return { seekTo: null, play: false, pause: !element.paused }
  const seekTo = element.seekable && Math.abs(element.currentTime - at) > MAX_DRIFT_S ? at : null
  return { seekTo, play: playing && element.paused, pause: !playing && !element.paused }
}
