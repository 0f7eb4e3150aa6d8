/** Thrown for a frame that is not a well-formed y-websocket message. */
export class MalformedMessageError extends Error {
  override name = 'MalformedMessageError'
}

/** A message over a budget: the sender is closed, nothing of it is applied or stored. */
export class BudgetExceededError extends Error {
  override name = 'BudgetExceededError'
}

/** A socket asked for expensive answers faster than its budget allows: it is closed. */
export class RateLimitedError extends Error {
  override name = 'RateLimitedError'
}
