/**
 * Worker thread of {@link WalCheckpointer}: its own connection to the database file, checkpointing
 * the WAL every `intervalMs` at the background CPU priority. PASSIVE never waits for the relay's
 * writes; whatever it could not copy this time, it copies next time.
 */
import { DatabaseSync } from 'node:sqlite'
import { parentPort, workerData } from 'node:worker_threads'
import { BACKGROUND_NICE, lowerThreadPriority } from './threadPriority.ts'

const { file, intervalMs } = workerData as { file: string; intervalMs: number }
lowerThreadPriority(BACKGROUND_NICE)
const db = new DatabaseSync(file)
db.exec('PRAGMA busy_timeout = 0')
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)')

const timer = setInterval(() => {
  try {
    checkpoint.get()
  } catch (error) {
    parentPort?.postMessage({ type: 'error', message: (error as Error).message })
  }
}, intervalMs)

parentPort?.on('message', (message: unknown) => {
  if (message !== 'stop') return
  clearInterval(timer)
  db.close()
  parentPort?.close()
})
