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

parentPort?.on('message', (message: MoveRequest | 'stop') => {
  if (message === 'stop') {
    storage.close()
    parentPort?.close()
    return
  }
  let reply: MoveReply
  // Opened for each span: once everything in it is stored, the relay may replace the file.
  let journal: number | null = null
  try {
    journal = openSync(journalFile, 'r')
    const { records } = decodeRecords(readSpan(journal, message.from, message.to))
    if (records.length !== message.count)
      throw new Error(`expected ${message.count} journal records, read ${records.length}`)
    for (let at = 0; at < records.length; at += chunk) storage.insertJournaled(records.slice(at, at + chunk))
    reply = { id: message.id, ok: true }
  } catch (error) {
    reply = { id: message.id, ok: false, message: (error as Error)?.message ?? String(error) }
  } finally {
    try {
      if (journal !== null) closeSync(journal)
    } catch {
      // A read-only descriptor: nothing was left unwritten.
    }
  }
  parentPort?.postMessage(reply)
})
