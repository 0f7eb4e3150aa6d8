import { RecordingEvent, type ClientToServerEvents, type ServerToClientEvents } from '@loopboard/protocol'
import type { Socket } from 'socket.io-client'
import { useRecordingStore } from './recordingStore.ts'

type RoomSocket = Socket<ServerToClientEvents, ClientToServerEvents>

export interface RecordingCommands {
  start(): Promise<string | null>
  stop(): Promise<string | null>
  consent(consent: boolean): Promise<string | null>
}

/** Wire the room socket's recording events to the store; commands resolve to an error or null. */
export function attachRecordingClient(socket: RoomSocket): { commands: RecordingCommands; detach: () => void } {
  const onState = (state: Parameters<ServerToClientEvents[typeof RecordingEvent.State]>[0]) =>
    useRecordingStore.getState().set({ state })
  socket.on(RecordingEvent.State, onState)
  const send = (
    event: typeof RecordingEvent.Start | typeof RecordingEvent.Stop | typeof RecordingEvent.Consent,
    payload: object
  ) =>
    new Promise<string | null>((resolve) => {
      const emitter = socket.timeout(8_000) as unknown as {
        emit: (e: string, p: object, cb: (err: Error | null, ack?: { ok: boolean; error?: string }) => void) => void
      }
      emitter.emit(event, payload, (error, ack) =>
        resolve(error ? 'The server did not answer; try again.' : ack?.ok ? null : (ack?.error ?? 'Refused.'))
      )
    })
  return {
    commands: {
      start: () => send(RecordingEvent.Start, {}),
      stop: () => send(RecordingEvent.Stop, {}),
      consent: (consent) => send(RecordingEvent.Consent, { consent }),
    },
    detach: () => {
      socket.off(RecordingEvent.State, onState)
      useRecordingStore.getState().reset()
    },
  }
}
