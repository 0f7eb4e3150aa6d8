import type { AudioTrackInfo } from '@loopboard/protocol'
import { useEffect, useRef, useState } from 'react'
import { audioStep, trackPosition } from './audioSync.ts'
import { formatDuration } from './format.ts'
import { useSessionClock } from './sessionClock.ts'
import type { PlayerStore } from './playerStore.ts'
import { fetchBlob } from './reviewApi.ts'

type Source = { status: 'loading' } | { status: 'ready'; url: string } | { status: 'error'; message: string }

/** Bring one `<audio>` in step with the replay at `at` seconds into it (null: outside its span). */
function syncElement(audio: HTMLAudioElement, at: number | null, playing: boolean, speed: number): void {
  if (audio.playbackRate !== speed) audio.playbackRate = speed
  const seekable = audio.readyState >= HTMLMediaElement.HAVE_METADATA
  const step = audioStep(at, { currentTime: audio.currentTime, paused: audio.paused, seekable }, playing)
  if (step.seekTo !== null) audio.currentTime = step.seekTo
  if (step.play) audio.play().catch(() => {})
  if (step.pause) audio.pause()
}

/**
 * The session's audio tracks: each fetched with the interviewer's token into an object URL
 * (revoked on unmount) and played in step with the replay.
 */
export function AudioTracks({
  tracks,
  token,
  player,
  start,
}: {
  tracks: readonly AudioTrackInfo[]
  token: string
  player: PlayerStore
  start: number
}) {
  const clock = useSessionClock()
  const [sources, setSources] = useState<Record<string, Source>>({})
  const [muted, setMuted] = useState<Record<string, boolean>>({})
  const elements = useRef(new Map<string, HTMLAudioElement>())

  useEffect(() => {
    let cancelled = false
    const urls: string[] = []
    for (const track of tracks) {
      fetchBlob(track.url, token).then(
        ({ blob }) => {
          if (cancelled) return
          const url = URL.createObjectURL(blob)
          urls.push(url)
          setSources((s) => ({ ...s, [track.id]: { status: 'ready', url } }))
        },
        (error: unknown) => {
          if (cancelled) return
          setSources((s) => ({ ...s, [track.id]: { status: 'error', message: (error as Error).message } }))
        }
      )
    }
    return () => {
      cancelled = true
      for (const url of urls) URL.revokeObjectURL(url)
    }
  }, [tracks, token])

  useEffect(() => {
    const sync = () => {
      const { pos, playing, speed } = player.getState()
      for (const track of tracks) {
        const audio = elements.current.get(track.id)
        if (audio) syncElement(audio, trackPosition(track, start + pos), playing, speed)
      }
    }
    sync()
    const unsubscribe = player.subscribe(sync)
    const all = [...elements.current.values()]
    for (const audio of all) audio.addEventListener('loadedmetadata', sync)
    return () => {
      unsubscribe()
      for (const audio of all) {
        audio.removeEventListener('loadedmetadata', sync)
        audio.pause()
      }
    }
  }, [player, tracks, start, sources])

  if (tracks.length === 0) return <p className="muted">No audio was recorded in this session.</p>
  return (
    <ul className="review-list review-tracks" aria-label="Audio tracks">
      {tracks.map((track) => {
        const source = sources[track.id] ?? { status: 'loading' }
        const isMuted = muted[track.id] ?? false
        return (
          <li key={track.id} className="review-track" data-testid="review-track" data-duration-ms={track.durationMs}>
            <span className="who">
              <strong>{track.name}</strong> <span className={`role role-${track.role}`}>{track.role}</span>
            </span>
            <span className="muted small-print">
              {formatDuration(track.durationMs)} · from {clock(track.startedAt)}
              {source.status === 'loading' ? ' · loading…' : null}
            </span>
            {source.status === 'error' ? (
              <span className="error small-print" role="alert">
                Could not load this track: {source.message}
              </span>
            ) : null}
            {source.status === 'ready' ? (
              <>
                <audio
                  ref={(audio) => {
                    if (audio) elements.current.set(track.id, audio)
                    else elements.current.delete(track.id)
                  }}
                  src={source.url}
                  preload="auto"
                  muted={isMuted}
                />
                <button
                  type="button"
                  className="small"
                  aria-pressed={isMuted}
                  aria-label={`${isMuted ? 'Unmute' : 'Mute'} ${track.name}`}
                  onClick={() => setMuted((m) => ({ ...m, [track.id]: !isMuted }))}
                >
                  {isMuted ? 'Unmute' : 'Mute'}
                </button>
              </>
            ) : null}
          </li>
        )
      })}
    </ul>
  )
}
