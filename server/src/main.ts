import { existsSync } from 'node:fs'
import { loadConfig } from './config.ts'
import { startServer } from './createServer.ts'
import { createLogger } from './logger.ts'

// A .env file in the working directory, if any; variables already set in the environment win.
if (existsSync('.env')) process.loadEnvFile('.env')

let config
try {
  config = loadConfig()
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`)
  process.exit(1)
}
const logger = createLogger(config.logLevel, { format: config.logFormat, nodeId: config.nodeId })
// Every handler catches its own errors; a promise rejection that still escapes is a bug, and must
// not end every room's session with it (Node's default). Logged loudly instead. (An uncaught
// exception still ends the process: after one, the process state cannot be trusted.)
process.on('unhandledRejection', (reason) => {
  logger.error('unhandled promise rejection (a bug; the process carries on)', { error: reason })
})
const server = await startServer(config, logger).catch((error: NodeJS.ErrnoException) => {
  const hint = error.code === 'EADDRINUSE' ? ` (port ${config.port} is in use; set PORT to another)` : ''
  logger.error(`could not start${hint}`, { error })
  process.exit(1)
})
logger.info(`Loopboard ready at ${server.url}`, { dataDir: config.dataDir })

/**
 * The orderly close commits, snapshots and closes every client within a few seconds; if
 * something still hangs (storage, a hook), the process exits anyway before a supervisor's
 * usual 10 s kill. Every accepted update was committed before it was acknowledged to anyone.
 */
const SHUTDOWN_DEADLINE_MS = 8_000

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    logger.info('shutting down', { signal })
    setTimeout(() => {
      logger.error('shutdown did not finish in time; exiting', { deadlineMs: SHUTDOWN_DEADLINE_MS })
      process.exit(1)
    }, SHUTDOWN_DEADLINE_MS).unref()
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('error while shutting down', { error })
        process.exit(1)
      }
    )
  })
}
