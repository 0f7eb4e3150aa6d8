import { Role, type RoomSession } from '@loopboard/protocol'
import { useEffect, useMemo, useRef } from 'react'
import type { AudioSession } from '../audio/AudioSession.ts'
import { useAudioStore } from '../audio/audioStore.ts'
import { useInterviewStore } from '../interview/interviewStore.ts'
import type { RoomConnection } from '../room/connectRoom.ts'
import { MicRecorder } from './MicRecorder.ts'
import { listenRecording, recordingCommands, type RecordingCommands } from './recordingClient.ts'
import { useRecordingStore } from './recordingStore.ts'

interface Options {
  connection: RoomConnection | null
  audio: AudioSession | null
  session: RoomSession
  token: string
  name: string
  userId: string
}

/**
 * Keeps this participant's microphone recorder in step with the room: it records while the room
 * is recording, this participant agreed, and their microphone is live in the audio.
 */
export function useRecording({ connection, audio, session, token, name, userId }: Options): RecordingCommands | null {
  const recording = useRecordingStore((s) => s.state.recording)
  const consented = useRecordingStore((s) => s.state.consented.includes(userId))
  const trackId = useAudioStore((s) => s.localTrackId)
  const recorder = useRef<MicRecorder | null>(null)
  const commands = useMemo(() => (connection ? recordingCommands(connection.socket) : null), [connection])

  useEffect(() => (connection ? listenRecording(connection.socket) : undefined), [connection])

  const shouldRecord = recording && consented && !!trackId && session.role !== Role.Observer
  useEffect(() => {
    const stream = audio?.localStream()
    if (!shouldRecord || !stream) return
    const mic = new MicRecorder({
      roomId: session.roomId,
      token,
      userId,
      name,
      stream,
      serverNow: () => Date.now() + useInterviewStore.getState().clockOffsetMs,
      onStatus: ({ recording, pending, error }) =>
        useRecordingStore
          .getState()
          .set({ recorder: error ? 'retrying' : recording ? 'recording' : 'idle', pendingChunks: pending, error }),
    })
    recorder.current = mic
    mic
      .start()
      .catch((error: Error) =>
        useRecordingStore.getState().set({ recorder: 'idle', error: `Recording your audio failed: ${error.message}` })
      )
    return () => {
      recorder.current = null
      void mic.stop()
    }
  }, [shouldRecord, trackId, audio, session.roomId, token, userId, name])

  return commands
}
