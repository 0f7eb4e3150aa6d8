import { Headphones, Mic, MicOff, PhoneOff, Settings, Volume2 } from 'lucide-react'
import { useEffect, useState } from 'react'
import { IconButton, ICON_PX } from '../lib/IconButton.tsx'
import { usePopover } from '../lib/usePopover.ts'
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
  const { open: devicesOpen, toggle: toggleDevices, rootRef, triggerRef, panelId } = usePopover()
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
        <IconButton
          icon={canSpeak ? Mic : Volume2}
          label={canSpeak ? 'Join audio' : 'Listen'}
          title={canSpeak ? 'Join the audio call' : 'Listen to the audio call'}
          onClick={() => void session.start()}
        />
      </div>
    )
  }
  const state = status === 'connected' ? (listenOnly ? 'listening' : muted ? 'muted' : 'live') : status
  const StateIcon = state === 'listening' ? Headphones : state === 'muted' ? MicOff : Mic
  return (
    <div
      className="audio"
      data-testid="audio"
      data-status={status}
      data-mode={mode ?? ''}
      data-failures={failures}
      ref={rootRef}
    >
      {status === 'error' ? (
        <span className="audio-error" role="alert" title={error ?? undefined}>
          {error}
          {retryIn !== null ? ` Retrying in ${retryIn}s.` : ''}
        </span>
      ) : (
        <span
          className={`badge audio-state audio-${state}${speaking && !muted ? ' speaking' : ''}`}
          role="status"
          data-state={state}
        >
          <StateIcon size={ICON_PX - 2} aria-hidden="true" focusable="false" />
          <span className="label">
            {state === 'listening'
              ? 'Listening'
              : state === 'muted'
                ? 'Muted'
                : state === 'live'
                  ? 'Live'
                  : status === 'reconnecting'
                    ? 'Audio reconnecting…'
                    : 'Joining audio…'}
          </span>
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
        <IconButton
          icon={muted ? Mic : MicOff}
          label={muted ? 'Unmute' : 'Mute'}
          collapse
          aria-pressed={muted}
          onClick={() => void session.toggleMute()}
          title={`${muted ? 'Unmute' : 'Mute'} (Alt+A)`}
          aria-keyshortcuts="Alt+A"
        />
      ) : null}
      <IconButton
        ref={triggerRef}
        icon={Settings}
        label="Audio devices"
        className="small icon-only"
        aria-expanded={devicesOpen}
        aria-controls={panelId}
        onClick={toggleDevices}
      />
      <IconButton icon={PhoneOff} label="Leave audio" collapse onClick={() => void session.stop()} />
      {devicesOpen ? (
        <div className="devices popover" role="dialog" aria-label="Audio devices" id={panelId}>
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
