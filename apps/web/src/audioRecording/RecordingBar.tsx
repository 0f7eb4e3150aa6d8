import { Role } from '@loopboard/protocol'
import { useState } from 'react'
import type { RecordingCommands } from './recordingClient.ts'
import { useRecordingStore } from './recordingStore.ts'

const declinedKey = (roomId: string, userId: string) => `loopboard:recording-declined:${roomId}:${userId}`

/** Start/stop for the interviewer, a persistent indicator for everyone, and the consent question. */
export function RecordingBar({
  commands,
  role,
  roomId,
  userId,
}: {
  commands: RecordingCommands | null
  role: Role
  roomId: string
  userId: string
}) {
  const state = useRecordingStore((s) => s.state)
  const recorder = useRecordingStore((s) => s.recorder)
  const recorderError = useRecordingStore((s) => s.error)
  const [error, setError] = useState<string | null>(null)
  const [declined, setDeclined] = useState(() => localStorage.getItem(declinedKey(roomId, userId)) === '1')
  if (!commands) return null
  const consented = state.consented.includes(userId)
  const canSpeak = role !== Role.Observer
  const run = async (action: () => Promise<string | null>) => setError(await action())
  const ask = state.recording && canSpeak && !consented && !declined && !state.declined?.includes(userId)

  return (
    <div className="recording" data-testid="recording" data-recording={state.recording} data-recorder={recorder}>
      {state.recording ? (
        <span className="rec-badge" role="status" title="This session is being recorded">
          ● Recording
          {recorder === 'recording' ? <span className="muted"> · your audio</span> : null}
        </span>
      ) : null}
      {role === Role.Interviewer ? (
        <button
          type="button"
          className="small"
          onClick={() => void run(state.recording ? commands.stop : commands.start)}
        >
          {state.recording ? '■ Stop recording' : '● Record'}
        </button>
      ) : null}
      {error || recorderError ? (
        <span className="error small-print" role="alert">
          {error ?? recorderError}
        </span>
      ) : null}
      {ask ? (
        <div className="consent" role="alertdialog" aria-labelledby="consent-title" aria-describedby="consent-text">
          <h2 id="consent-title">This session is being recorded</h2>
          <p id="consent-text">
            The board is always kept for review. May the interviewer also record <strong>your</strong> microphone? You
            can say no and keep talking; only your own audio is affected.
          </p>
          <p className="actions">
            <button type="button" className="primary" autoFocus onClick={() => void run(() => commands.consent(true))}>
              Record my audio
            </button>
            <button
              type="button"
              onClick={() => {
                localStorage.setItem(declinedKey(roomId, userId), '1')
                setDeclined(true)
                void commands.consent(false)
              }}
            >
              Don’t record my audio
            </button>
          </p>
        </div>
      ) : null}
    </div>
  )
}
