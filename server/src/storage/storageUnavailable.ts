/**
 * Node's codes for a connection that could not be made or was cut: the database is down,
 * restarting or unreachable, not the request at fault.
 */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND'])
/**
 * Postgres SQLSTATEs of the same kind: class 08 (connection exception), 57P01-57P03 (the server
 * shutting down, crashed, or not yet accepting connections), 53300 (too many connections).
 */
const POSTGRES_STATES = /^(08...|57P0[123]|53300)$/
/** What `pg` and `pg-pool` throw, without a code, when a connection is lost or never comes. */
const DRIVER_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|not queryable/i

/**
 * Whether `error` says the storage cannot be reached right now (a Postgres outage or restart),
 * so the caller answers "try again in a moment" (HTTP 503) rather than "internal error".
 */
export function isStorageUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string' && (CONNECTION_CODES.has(code) || POSTGRES_STATES.test(code))) return true
  if (error instanceof AggregateError && error.errors.some(isStorageUnavailable)) return true
  return DRIVER_MESSAGES.test(error.message) || (error.cause !== undefined && isStorageUnavailable(error.cause))
}
