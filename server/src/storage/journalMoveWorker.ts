/**
 * Worker thread of {@link JournalMover}: its own connections to the journal (read only) and the
 * database file. It reads each span it is sent from the journal and stores its records in
 * transactions of `chunk` rows, so the relay's thread waits at most one such transaction when it
 * writes at the same moment. It runs at the background CPU priority: when the machine is busy,
 * the relay's event loop goes first.
 */
import { closeSync, openSync } from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'
import { SqliteStorage } from './SqliteStorage.ts'
import { decodeRecords, readSpan } from './UpdateJournal.ts'
import { BACKGROUND_NICE, lowerThreadPriority } from './threadPriority.ts'
import type { MoveReply, MoveRequest } from './JournalMover.ts'

const { databaseFile, journalFile, chunk } = workerData as { databaseFile: string; journalFile: string; chunk: number }
// Storing can wait a few milliseconds; the relay's event loop and its sockets cannot.
lowerThreadPriority(BACKGROUND_NICE)
const storage = new SqliteStorage(databaseFile)
/** Opened at the first span (the relay creates the file before it sends one). */
let journal: number | null = null

parentPort?.on('message', (message: MoveRequest | 'stop') => {
  if (message === 'stop') {
    if (journal !== null) closeSync(journal)
    storage.close()
    parentPort?.close()
    return
  }
  let reply: MoveReply
  try {
    journal ??= openSync(journalFile, 'r')
    const { records } = decodeRecords(readSpan(journal, message.from, message.to))
    if (records.length !== message.count)
      throw new Error(`expected ${message.count} journal records, read ${records.length}`)
    for (let at = 0; at < records.length; at += chunk) storage.insertJournaled(records.slice(at, at + chunk))
    reply = { id: message.id, ok: true }
  } catch (error) {
    reply = { id: message.id, ok: false, message: (error as Error)?.message ?? String(error) }
  }
  parentPort?.postMessage(reply)
})
