export { loadConfig, testConfig, type Config } from './config.ts'
export { startServer, DATABASE_FILE, type LoopboardServer } from './createServer.ts'
export { createLogger, type Logger } from './logger.ts'
