/** Why a domain service refused; each transport says it in its own terms (HTTP status, socket reply). */
export const Refusal = {
  /** The request does not make sense (bad input the schema could not catch). */
  Invalid: 'invalid',
  /** What it names does not exist. */
  NotFound: 'not-found',
  /** It belongs to someone else. */
  Forbidden: 'forbidden',
  /** It does not fit the current state ("start the interview first", "not recording"). */
  Conflict: 'conflict',
} as const
export type Refusal = (typeof Refusal)[keyof typeof Refusal]

/**
 * A refusal by a domain service (interview, audio recording), with a message meant for the
 * person who asked. Services know nothing of HTTP or socket.io: `http/` maps the reason to a
 * status, `presence/socketCommand.ts` answers the sender with the message. Any other error is
 * a failure, logged and answered generically.
 */
export class DomainError extends Error {
  override name = 'DomainError'
  readonly reason: Refusal

  constructor(reason: Refusal, message: string) {
    super(message)
    this.reason = reason
  }
}
