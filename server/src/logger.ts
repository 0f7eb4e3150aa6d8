/* eslint-disable no-console -- the one place that writes to the console */
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const
export type LogLevel = keyof typeof LEVELS
/** `pretty`: `level message key=value …` for people; `json`: one object per line for log shippers. */
export type LogFormat = 'pretty' | 'json'

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

export interface LoggerOptions {
  format?: LogFormat
  /** Which process wrote the line; several relays behind one proxy share a log store. */
  nodeId?: string
  /** Where lines go (default: stdout below warn, stderr from warn up). */
  write?: (line: string, level: Exclude<LogLevel, 'silent'>) => void
}

/** Errors carry their message (and, in JSON, their code); everything else is kept as is. */
function plain(value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as NodeJS.ErrnoException).code
    return code ? { message: value.message, code } : value.message
  }
  return value
}

function consoleWrite(line: string, level: Exclude<LogLevel, 'silent'>) {
  if (LEVELS[level] >= LEVELS.warn) console.error(line)
  else console.log(line)
}

/** A one-line-per-event logger, human-readable or JSON. */
export function createLogger(level: LogLevel, options: LoggerOptions = {}): Logger {
  const threshold = LEVELS[level]
  const { format = 'pretty', nodeId, write: out = consoleWrite } = options
  const write = (at: Exclude<LogLevel, 'silent'>, message: string, fields?: Record<string, unknown>) => {
    if (LEVELS[at] < threshold) return
    let line: string
    if (format === 'json') {
      const record: Record<string, unknown> = { time: new Date().toISOString(), level: at, msg: message }
      if (nodeId) record.node = nodeId
      for (const [k, v] of Object.entries(fields ?? {})) if (!(k in record)) record[k] = plain(v)
      line = JSON.stringify(record)
    } else {
      const tail = fields
        ? ' ' +
          Object.entries(fields)
            .map(([k, v]) => `${k}=${v instanceof Error ? JSON.stringify(v.message) : JSON.stringify(v)}`)
            .join(' ')
        : ''
      line = `${at.padEnd(5)} ${message}${tail}`
    }
    out(line, at)
  }
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  }
}
