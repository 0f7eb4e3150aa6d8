import { Role } from '@loopboard/protocol'
import { Circle, Square } from 'lucide-react'
import { useState } from 'react'
import { IconButton, ICON_PX } from '../lib/IconButton.tsx'
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
        <span
          className="rec-badge"
          role="status"
          title={
            recorder === 'recording'
              ? 'This session is being recorded, your audio too'
              : 'This session is being recorded'
          }
        >
          <Circle size={ICON_PX - 4} fill="currentColor" aria-hidden="true" focusable="false" />
          <span className="label">Recording</span>
          {recorder === 'recording' ? <span className="muted label detail"> · your audio</span> : null}
        </span>
      ) : null}
      {role === Role.Interviewer ? (
        <IconButton
          icon={state.recording ? Square : Circle}
          label={state.recording ? 'Stop recording' : 'Record'}
          collapse={state.recording}
          onClick={() => void run(state.recording ? commands.stop : commands.start)}
        />
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
