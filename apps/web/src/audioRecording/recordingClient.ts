import { RecordingEvent, type ClientToServerEvents, type ServerToClientEvents } from '@loopboard/protocol'
import { sendCommand, type RoomSocket } from '../lib/sendCommand.ts'
import { useRecordingStore } from './recordingStore.ts'

export interface RecordingCommands {
  start(): Promise<string | null>
  stop(): Promise<string | null>
  consent(consent: boolean): Promise<string | null>
}

/** The recording commands over a room socket; each resolves to an error message or null. */
export function recordingCommands(socket: RoomSocket): RecordingCommands {
  const send = async (event: keyof ClientToServerEvents, payload: object) => {
    const ack = await sendCommand(socket, event, payload)
    return ack.ok ? null : ack.error
  }
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
