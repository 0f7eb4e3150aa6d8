import type { ClientToServerEvents, CommandAck, ServerToClientEvents } from '@loopboard/protocol'
import type { Socket } from 'socket.io-client'

/** A command with no answer by then failed (the link is down). */
export const COMMAND_TIMEOUT_MS = 8_000

export type RoomSocket = Socket<ServerToClientEvents, ClientToServerEvents>

/**
 * Send one command over the room socket and wait for the server's acknowledgement. Never
 * rejects: no connection, no answer in time and a refusal all come back as `{ ok: false, error }`
 * with a message for the person who asked.
 */
export function sendCommand<T extends object = object>(
  socket: RoomSocket,
  event: keyof ClientToServerEvents,
  payload: unknown
): Promise<CommandAck<T>> {
  return new Promise((resolve) => {
    if (!socket.connected) return resolve({ ok: false, error: 'Not connected to the server; try again in a moment.' })
    // Event names come from the protocol's map; the generic emit cannot be typed per call here.
    const emitter = socket.timeout(COMMAND_TIMEOUT_MS) as unknown as {
      emit: (event: string, ...args: unknown[]) => void
    }
    emitter.emit(event, payload, (error: Error | null, ack: CommandAck<T> | undefined) => {
      if (error) resolve({ ok: false, error: 'The server did not answer; try again.' })
      else resolve(ack ?? { ok: false, error: 'Refused.' })
    })
  })
}
