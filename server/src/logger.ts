/* eslint-disable no-console -- the one place that writes to the console */
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const
export type LogLevel = keyof typeof LEVELS

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

/** A one-line-per-event logger: `level message key=value …`. */
export function createLogger(level: LogLevel): Logger {
  const threshold = LEVELS[level]
  const write = (at: Exclude<LogLevel, 'silent'>, message: string, fields?: Record<string, unknown>) => {
    if (LEVELS[at] < threshold) return
    const tail = fields
      ? ' ' +
        Object.entries(fields)
          .map(([k, v]) => `${k}=${v instanceof Error ? JSON.stringify(v.message) : JSON.stringify(v)}`)
          .join(' ')
      : ''
    const line = `${at.padEnd(5)} ${message}${tail}`
    if (LEVELS[at] >= LEVELS.warn) console.error(line)
    else console.log(line)
  }
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  }
}
