import { memo } from 'react'
import { useStore } from 'zustand'
import { formatTime } from './format.ts'
import type { Marker } from './markers.ts'
import { SPEEDS, type PlayerStore } from './playerStore.ts'

/** Event ticks above the slider; each seeks to its moment. */
const MarkerTicks = memo(function MarkerTicks({
  markers,
  duration,
  onSeek,
}: {
  markers: readonly Marker[]
  duration: number
  onSeek: (ms: number) => void
}) {
  return (
    <div className="review-markers" role="group" aria-label="Events on the timeline">
      {markers.map((marker) => {
        const text = `${formatTime(marker.offset)} · ${marker.label}`
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

/** Play/pause, speed, the seek slider with its event ticks, and the time since the start. */
export function PlayerBar({ player, markers }: { player: PlayerStore; markers: readonly Marker[] }) {
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
        {playing ? '❚❚ Pause' : '▶ Play'}
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
        <MarkerTicks markers={markers} duration={duration} onSeek={seek} />
        <input
          type="range"
          className="review-slider"
          data-testid="review-slider"
          aria-label="Session time (←/→: 5 s)"
          min={0}
          max={duration}
          step={1}
          value={Math.round(pos)}
          aria-valuetext={`${formatTime(pos)} of ${formatTime(duration)}`}
          onChange={(event) => seek(Number(event.currentTarget.value))}
        />
      </div>
      <span className="review-clock">
        <span data-testid="review-time" aria-label="Time since the start">
          {formatTime(pos)}
        </span>
        <span className="muted"> / {formatTime(duration)}</span>
      </span>
    </div>
  )
}
