import { Action, ConsentSchema, EmptySchema, RecordingEvent } from '@loopboard/protocol'
import type { z } from 'zod'
import type { Logger } from '../logger.ts'
import type { PresenceHub } from '../presence/PresenceHub.ts'
import { RoomQueue } from '../presence/RoomQueue.ts'
import type { RoomSocket } from '../presence/RoomSocket.ts'
import { onCommand } from '../presence/socketCommand.ts'
import type { RecordingService } from './RecordingService.ts'

/**
 * Recording commands over socket.io: `recording:start` / `recording:stop` (refused unless the
 * sender's *current* role is interviewer) and `recording:consent` (anyone, for their own userId
 * only — the payload carries no userId). Everyone gets `recording:state` on connect and on
 * every change.
 */
export function attachRecording(hub: PresenceHub, service: RecordingService, logger: Logger): void {
  // Read after each change, one change after the other, so an older state never overtakes a newer one.
  const queue = new RoomQueue((error, roomId) =>
    logger.error('sending the recording state to a room failed', { room: roomId, error })
  )
  service.setOnChange((roomId) => {
    void queue.run(roomId, 'state', async () => {
      const state = await service.state(roomId)
      // Every socket of the room, on every relay.
      hub.toRoom(roomId).emit(RecordingEvent.State, state)
    })
  })

  hub.onConnection((socket: RoomSocket) => {
    const { roomId } = socket.data

    const command = <S extends z.ZodType>(
      event: string,
      schema: S,
      action: Action,
      run: (input: z.output<S>) => void | Promise<void>
    ) => onCommand(socket, logger, { event, schema, action, run })

    const who = () => ({ userId: socket.data.participant.userId, name: socket.data.participant.name })
    command(RecordingEvent.Start, EmptySchema, Action.ControlRecording, () => service.start(roomId, who()))
    command(RecordingEvent.Stop, EmptySchema, Action.ControlRecording, () => service.stop(roomId, who()))
    command(RecordingEvent.Consent, ConsentSchema, Action.ConsentToRecording, ({ consent }) =>
      service.setConsent(
        roomId,
        socket.data.participant.userId,
        consent,
        // Everyone in the room, on every relay.
        new Set(hub.members(roomId).map((m) => m.participant.userId))
      )
    )

    void queue.run(roomId, `connect:${socket.id}`, async () => {
      socket.emit(RecordingEvent.State, await service.state(roomId))
    })
  })
}
