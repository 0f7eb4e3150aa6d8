import { may, refusal, SocketEvent, type Action, type CommandAck } from '@loopboard/protocol'
import { z } from 'zod'
import { DomainError } from '../DomainError.ts'
import { LogThrottle } from '../limits/LogThrottle.ts'
import type { Logger } from '../logger.ts'
import { isStorageUnavailable } from '../storage/storageUnavailable.ts'
import type { RoomSocket } from './RoomSocket.ts'

const throttles = new WeakMap<Logger, LogThrottle>()
const refusedCommands = (logger: Logger) => {
  let throttle = throttles.get(logger)
  if (!throttle)
    throttles.set(logger, (throttle = new LogThrottle(logger, 'refused socket commands over the rate limit')))
  return throttle
}

export interface CommandOptions<S extends z.ZodType> {
  event: string
  schema: S
  /** What the command does, for the permission table: refused unless the sender's *current* role may. */
  action: Action
  /** Acknowledged once it resolves (with what it returns); a rejection is answered, never thrown. */
  run: (input: z.output<S>) => object | void | Promise<object | void>
}

/**
 * Register a client command on a room socket: validate the payload against its schema (a bad one
 * gets `error:payload` and a failed ack, to the sender only), check the role, run, acknowledge.
 * Every socket command of the room (presence, interview, recording, audio state) goes through here.
 */
export function onCommand<S extends z.ZodType>(socket: RoomSocket, logger: Logger, options: CommandOptions<S>): void {
  const { event, schema, action, run } = options
  socket.on(
    event as never,
    ((first: unknown, second: unknown) => {
      // `emitWithAck(event)` with no payload hands us the callback first.
      const [payload, ack] = typeof first === 'function' ? [undefined, first] : [first, second]
      const reply = typeof ack === 'function' ? (ack as (a: CommandAck) => void) : () => {}
      // Over the socket's command budget: an error to the sender, nothing done, a throttled log line.
      if (socket.data.commandBudget && !socket.data.commandBudget.take()) {
        const message = 'Too many commands: slow down and try again in a moment.'
        refusedCommands(logger).refused(socket, { room: socket.data.roomId, event })
        socket.emit(SocketEvent.PayloadError, { event, message })
        return reply({ ok: false, error: message })
      }
      const parsed = schema.safeParse(payload ?? {})
      if (!parsed.success) {
        const message = `invalid ${event} payload: ${z.prettifyError(parsed.error)}`
        socket.emit(SocketEvent.PayloadError, { event, message })
        return reply({ ok: false, error: message })
      }
      const { role } = socket.data.participant
      if (!may(role, action)) return reply({ ok: false, error: refusal(role, action) })
      const fail = (error: unknown) => {
        // A refusal of the domain goes back to the sender as it is; anything else is a failure.
        if (error instanceof DomainError) return reply({ ok: false, error: error.message })
        logger.error('command failed', { room: socket.data.roomId, event, error })
        reply({
          ok: false,
          error: isStorageUnavailable(error)
            ? 'The server cannot reach its storage right now; nothing was changed. Try again shortly.'
            : 'The server could not do that; try again.',
        })
      }
      try {
        const result = run(parsed.data)
        if (result instanceof Promise) result.then((r) => reply({ ok: true, ...(r ?? {}) }), fail)
        else reply({ ok: true, ...(result ?? {}) })
      } catch (error) {
        fail(error)
      }
    }) as never
  )
}
