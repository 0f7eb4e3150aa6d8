import type { Logger } from '../logger.ts'

/** How often one source may log the same refusal (ms); in between, refusals are only counted. */
export const REFUSAL_LOG_INTERVAL_MS = 10_000

/**
 * Logs a repeated refusal at most once per source per interval, with how many there were, so a
 * flood cannot fill the disk with log lines. Sources are objects (sockets, connections) held weakly.
 */
export class LogThrottle {
  private seen = new WeakMap<object, { count: number; since: number }>()
  private logger: Logger
  private message: string
  private intervalMs: number
  private now: () => number

  constructor(logger: Logger, message: string, intervalMs = REFUSAL_LOG_INTERVAL_MS, now: () => number = Date.now) {
    this.logger = logger
    this.message = message
    this.intervalMs = intervalMs
    this.now = now
  }

  /** Count one refusal from `source`; logs (with the count since the last line) when the interval allows. */
  refused(source: object, fields: Record<string, unknown>): void {
    const t = this.now()
    const entry = this.seen.get(source)
    if (entry && t - entry.since < this.intervalMs) {
      entry.count++
      return
    }
    const count = (entry?.count ?? 0) + 1
    this.seen.set(source, { count: 0, since: t })
    this.logger.warn(this.message, { ...fields, count })
  }
}
