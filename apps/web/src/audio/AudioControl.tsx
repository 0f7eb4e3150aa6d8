import { useEffect, useState } from 'react'
import type { AudioSession } from './AudioSession.ts'
import { useAudioStore } from './audioStore.ts'

/** The mute shortcut: Alt+A (Option+A on a Mac). */
export function isMuteShortcut(event: KeyboardEvent): boolean {
  return event.altKey && !event.ctrlKey && !event.metaKey && event.code === 'KeyA'
}

function useCountdown(until: number | null): number | null {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!until) return
    const timer = setInterval(() => setNow(Date.now()), 500)
    return () => clearInterval(timer)
  }, [until])
  return until ? Math.max(0, Math.ceil((until - now) / 1000)) : null
}

/** Join, mute, devices and the audio link's state, in the top bar. */
export function AudioControl({ session, canSpeak }: { session: AudioSession | null; canSpeak: boolean }) {
  const {
    status,
    error,
    retryAt,
    failures,
    micProblem,
    muted,
    speaking,
    listenOnly,
    inputs,
    outputs,
    inputId,
    outputId,
    mode,
  } = useAudioStore()
  const [showDevices, setShowDevices] = useState(false)
  const retryIn = useCountdown(retryAt)

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!isMuteShortcut(event) || !session) return
      event.preventDefault()
      void session.toggleMute()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [session])

  if (!session) return null
  if (status === 'off') {
    return (
      <div className="audio" data-testid="audio" data-status={status}>
        <button type="button" className="small" onClick={() => void session.start()}>
          {canSpeak ? '🎙 Join audio' : '🔈 Listen'}
        </button>
      </div>
    )
  }
  return (
    <div className="audio" data-testid="audio" data-status={status} data-mode={mode ?? ''} data-failures={failures}>
      {status === 'error' ? (
        <span className="audio-error" role="alert">
          {error}
          {retryIn !== null ? ` Retrying in ${retryIn}s.` : ''}
        </span>
      ) : (
        <span className={`badge audio-state audio-${status}`} role="status">
          <span className={`dot ${speaking && !muted ? 'speaking' : ''}`} aria-hidden="true" />
          {status === 'connected'
            ? listenOnly
              ? 'Listening'
              : muted
                ? 'Muted'
                : 'Live'
            : status === 'reconnecting'
              ? 'Audio reconnecting…'
              : 'Joining audio…'}
        </span>
      )}
      {micProblem ? (
        <>
          <button type="button" className="small" onClick={() => void session.start()}>
            Try again
          </button>
          <button type="button" className="small" onClick={() => void session.start(true)}>
            Listen only
          </button>
        </>
      ) : null}
      {!listenOnly && status !== 'error' ? (
        <button
          type="button"
          className="small"
          aria-pressed={muted}
          onClick={() => void session.toggleMute()}
          title="Mute or unmute (Alt+A)"
          aria-keyshortcuts="Alt+A"
        >
          {muted ? 'Unmute' : 'Mute'}
        </button>
      ) : null}
      <button
        type="button"
        className="small"
        aria-expanded={showDevices}
        onClick={() => setShowDevices((v) => !v)}
        aria-label="Audio devices"
      >
        ⚙
      </button>
      <button type="button" className="small" onClick={() => void session.stop()}>
        Leave audio
      </button>
      {showDevices ? (
        <div className="devices" role="dialog" aria-label="Audio devices">
          {!listenOnly ? (
            <>
              <label htmlFor="audio-input">Microphone</label>
              <select id="audio-input" value={inputId ?? ''} onChange={(e) => void session.setInput(e.target.value)}>
                <option value="">System default</option>
                {inputs.map((d, i) => (
                  <option key={d.deviceId || i} value={d.deviceId}>
                    {d.label || `Microphone ${i + 1}`}
                  </option>
                ))}
              </select>
            </>
          ) : null}
          <label htmlFor="audio-output">Speaker</label>
          <select
            id="audio-output"
            value={outputId ?? ''}
            onChange={(e) => void session.setOutput(e.target.value)}
            disabled={!outputs.length}
          >
            <option value="">System default</option>
            {outputs.map((d, i) => (
              <option key={d.deviceId || i} value={d.deviceId}>
                {d.label || `Speaker ${i + 1}`}
              </option>
            ))}
          </select>
        </div>
      ) : null}
    </div>
  )
}
