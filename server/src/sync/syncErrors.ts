/** Thrown for a frame that is not a well-formed y-websocket message. */
export class MalformedMessageError extends Error {
  override name = 'MalformedMessageError'
}

/** A message over a budget: the sender is closed, nothing of it is applied or stored. */
export class BudgetExceededError extends Error {
  override name = 'BudgetExceededError'
}
