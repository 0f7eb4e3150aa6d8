/**
 * Worker thread of {@link JournalMover}: its own connection to the database file, storing the
 * journal records it is sent (encoded as in the journal) in transactions of `chunk` rows, so the
 * relay's thread waits at most one short transaction when it writes at the same moment.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { SqliteStorage } from './SqliteStorage.ts'
import { decodeRecords } from './UpdateJournal.ts'
import type { MoveReply, MoveRequest } from './JournalMover.ts'

const { file, chunk } = workerData as { file: string; chunk: number }
const storage = new SqliteStorage(file)

parentPort?.on('message', (message: MoveRequest | 'stop') => {
  if (message === 'stop') {
    storage.close()
    parentPort?.close()
    return
  }
  let reply: MoveReply
  try {
    const { records } = decodeRecords(Buffer.from(message.bytes))
    if (records.length !== message.count)
      throw new Error(`expected ${message.count} records, decoded ${records.length}`)
    for (let at = 0; at < records.length; at += chunk) storage.insertJournaled(records.slice(at, at + chunk))
    reply = { id: message.id, ok: true }
  } catch (error) {
    reply = { id: message.id, ok: false, message: (error as Error)?.message ?? String(error) }
  }
  parentPort?.postMessage(reply)
})
