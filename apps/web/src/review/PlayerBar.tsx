import { Pause, Play } from 'lucide-react'
import { memo } from 'react'
import { useStore } from 'zustand'
import { useSessionClock } from './sessionClock.ts'
import type { Marker } from './markers.ts'
import type { PhaseSpan } from './phases.ts'
import { SPEEDS, type PlayerStore } from './playerStore.ts'

/** Event ticks above the slider; each seeks to its moment. */
const MarkerTicks = memo(function MarkerTicks({
  markers,
  duration,
  start,
  onSeek,
}: {
  markers: readonly Marker[]
  duration: number
  start: number
  onSeek: (ms: number) => void
}) {
  const clock = useSessionClock()
  return (
    <div className="review-markers" role="group" aria-label="Events on the timeline">
      {markers.map((marker) => {
        const text = `${clock(start + marker.offset)} · ${marker.label}`
        return (
          <button
            key={marker.key}
            type="button"
            className={`review-marker marker-${marker.kind}`}
            data-testid="review-marker"
            data-type={marker.type}
            data-offset-ms={marker.offset}
            style={{ left: `${duration > 0 ? (marker.offset / duration) * 100 : 0}%` }}
            aria-label={`Go to ${text}`}
            title={text}
            onClick={() => onSeek(marker.offset)}
          />
        )
      })}
    </div>
  )
})

/** The phases as bands under the slider (the current one is named in "What changed"). */
const PhaseBands = memo(function PhaseBands({
  spans,
  start,
  duration,
}: {
  spans: readonly PhaseSpan[]
  start: number
  duration: number
}) {
  const clock = useSessionClock()
  if (duration <= 0) return null
  return (
    <div className="review-phase-bands" aria-hidden="true">
      {spans.map((span) => (
        <span
          key={span.key}
          className={span.phaseIndex === null ? 'outside' : `phase-${span.phaseIndex % 2}`}
          style={{
            left: `${((span.start - start) / duration) * 100}%`,
            width: `${((span.end - span.start) / duration) * 100}%`,
          }}
          title={`${span.label} (${clock(span.start)}–${clock(span.end)})`}
        />
      ))}
    </div>
  )
})

/** Play/pause, speed, the seek slider with its event ticks and phases, and the time since the start. */
export function PlayerBar({
  player,
  markers,
  spans,
  start,
}: {
  player: PlayerStore
  markers: readonly Marker[]
  spans: readonly PhaseSpan[]
  /** Server time of the replay's first moment (slider position 0). */
  start: number
}) {
  const clock = useSessionClock()
  const pos = useStore(player, (s) => s.pos)
  const duration = useStore(player, (s) => s.duration)
  const playing = useStore(player, (s) => s.playing)
  const speed = useStore(player, (s) => s.speed)
  const { seek, toggle, setSpeed } = player.getState()

  return (
    <div className="review-player" role="group" aria-label="Replay controls">
      <button
        type="button"
        className="primary review-play"
        data-testid="review-play"
        aria-label={playing ? 'Pause (Space)' : 'Play (Space)'}
        aria-pressed={playing}
        title={playing ? 'Pause (Space)' : 'Play (Space)'}
        disabled={duration === 0}
        onClick={toggle}
      >
        {playing ? <Pause size={16} aria-hidden="true" /> : <Play size={16} aria-hidden="true" />}
        {playing ? ' Pause' : ' Play'}
      </button>
      <div className="review-speeds" role="group" aria-label="Playback speed">
        {SPEEDS.map((s) => (
          <button
            key={s}
            type="button"
            className={`small${s === speed ? ' selected' : ''}`}
            aria-pressed={s === speed}
            aria-label={`Speed ${s}×`}
            data-testid={`review-speed-${s}`}
            onClick={() => setSpeed(s)}
          >
            {s}×
          </button>
        ))}
      </div>
      <div className="review-track-area">
        <MarkerTicks markers={markers} duration={duration} start={start} onSeek={seek} />
        <input
          type="range"
          className="review-slider"
          data-testid="review-slider"
          aria-label="Session time (←/→: 5 s)"
          min={0}
          max={duration}
          step={1}
          value={Math.round(pos)}
          aria-valuetext={`${clock(start + pos)} of ${clock(start + duration)}`}
          onChange={(event) => seek(Number(event.currentTarget.value))}
        />
        <PhaseBands spans={spans} start={start} duration={duration} />
      </div>
      <span className="review-clock">
        <span data-testid="review-time" aria-label="Time since the start">
          {clock(start + pos)}
        </span>
        <span className="muted"> / {clock(start + duration)}</span>
      </span>
    </div>
  )
}
