import { ConsentSchema, EmptySchema, RecordingEvent, Role, SocketEvent, type CommandAck } from '@loopboard/protocol'
import { z } from 'zod'
import type { Logger } from '../logger.ts'
import type { PresenceHub, RoomSocket } from '../presence/PresenceHub.ts'
import type { RecordingService } from './RecordingService.ts'

/**
 * Recording commands over socket.io: `recording:start` / `recording:stop` (refused unless the
 * sender's *current* role is interviewer) and `recording:consent` (anyone, for their own userId
 * only — the payload carries no userId). Everyone gets `recording:state` on connect and on
 * every change.
 */
export function attachRecording(hub: PresenceHub, service: RecordingService, logger: Logger): void {
  service.setOnChange((roomId) => {
    const state = service.state(roomId)
    for (const socket of hub.socketsIn(roomId)) socket.emit(RecordingEvent.State, state)
  })

  hub.onConnection((socket: RoomSocket) => {
    const { roomId } = socket.data

    const command = <S extends z.ZodType>(
      event: string,
      schema: S,
      interviewerOnly: boolean,
      run: (input: z.output<S>) => void
    ) => {
      socket.on(
        event as never,
        ((first: unknown, second: unknown) => {
          // `emitWithAck(event)` with no payload hands us the callback first.
          const [payload, ack] = typeof first === 'function' ? [undefined, first] : [first, second]
          const reply = typeof ack === 'function' ? (ack as (a: CommandAck) => void) : () => {}
          const parsed = schema.safeParse(payload ?? {})
          if (!parsed.success) {
            const message = `invalid ${event} payload: ${z.prettifyError(parsed.error)}`
            socket.emit(SocketEvent.PayloadError, { event, message })
            return reply({ ok: false, error: message })
          }
          const { role } = socket.data.participant
          if (interviewerOnly && role !== Role.Interviewer) {
            return reply({ ok: false, error: `Only the interviewer can do that (you are the ${role}).` })
          }
          try {
            run(parsed.data)
            reply({ ok: true })
          } catch (error) {
            logger.error('recording command failed', { room: roomId, event, error })
            reply({ ok: false, error: 'The server could not do that; try again.' })
          }
        }) as never
      )
    }

    const who = () => ({ userId: socket.data.participant.userId, name: socket.data.participant.name })
    command(RecordingEvent.Start, EmptySchema, true, () => service.start(roomId, who()))
    command(RecordingEvent.Stop, EmptySchema, true, () => service.stop(roomId, who()))
    command(RecordingEvent.Consent, ConsentSchema, false, ({ consent }) =>
      service.setConsent(roomId, socket.data.participant.userId, consent)
    )

    socket.emit(RecordingEvent.State, service.state(roomId))
  })
}
