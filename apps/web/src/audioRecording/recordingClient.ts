import { RecordingEvent, type ClientToServerEvents, type ServerToClientEvents } from '@loopboard/protocol'
import type { Socket } from 'socket.io-client'
import { useRecordingStore } from './recordingStore.ts'

type RoomSocket = Socket<ServerToClientEvents, ClientToServerEvents>

export interface RecordingCommands {
  start(): Promise<string | null>
  stop(): Promise<string | null>
  consent(consent: boolean): Promise<string | null>
}

/** The recording commands over a room socket; each resolves to an error message or null. */
export function recordingCommands(socket: RoomSocket): RecordingCommands {
  const send = (event: string, payload: object) =>
    new Promise<string | null>((resolve) => {
      const emitter = socket.timeout(8_000) as unknown as {
        emit: (e: string, p: object, cb: (err: Error | null, ack?: { ok: boolean; error?: string }) => void) => void
      }
      emitter.emit(event, payload, (error, ack) =>
        resolve(error ? 'The server did not answer; try again.' : ack?.ok ? null : (ack?.error ?? 'Refused.'))
      )
    })
  return {
    start: () => send(RecordingEvent.Start, {}),
    stop: () => send(RecordingEvent.Stop, {}),
    consent: (consent) => send(RecordingEvent.Consent, { consent }),
  }
}

/** Mirror the room's recording state into the store. @returns a function that stops listening. */
export function listenRecording(socket: RoomSocket): () => void {
  const onState = (state: Parameters<ServerToClientEvents[typeof RecordingEvent.State]>[0]) =>
    useRecordingStore.getState().set({ state })
  socket.on(RecordingEvent.State, onState)
  return () => {
    socket.off(RecordingEvent.State, onState)
    useRecordingStore.getState().reset()
  }
}
