import {
  close,
  closeSync,
  existsSync,
  ftruncateSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs'
import { crc32 } from 'node:zlib'
import { ROLES, type Role } from '@loopboard/protocol'

/** One board update as the journal keeps it: everything its row in `room_updates` needs. */
export interface JournalRecord {
  roomId: string
  seq: number
  ts: number
  author: Role
  update: Uint8Array
}

/** What {@link UpdateJournal.open} found in the file: its whole records, in append order. */
export interface JournalOpened {
  journal: UpdateJournal
  recovered: JournalRecord[]
  /** Bytes after the last whole record (a write cut short by a crash), cut off at open. */
  discardedBytes: number
}

/** What {@link UpdateJournal.read} reads first when it is asked for a few records. */
const READ_WINDOW_BYTES = 64 * 1024
/** length (u32) + CRC-32 of the payload (u32), then the payload. */
const HEADER_BYTES = 8
/** room id length (u8), room id, seq (f64), ts (f64), author index (u8), then the update. */
const FIXED_PAYLOAD_BYTES = 1 + 8 + 8 + 1
const MAX_ROOM_ID_BYTES = 255
/**
 * {@link UpdateJournal.clear} truncates a journal up to this size where it is; a larger one is
 * replaced by a new empty file, and the old one's blocks are freed off the event loop (truncating
 * 8 MiB in place held the relay's thread for ~3 ms).
 */
export const CLEAR_IN_PLACE_AT_MOST_BYTES = 256 * 1024

/**
 * An append-only file of board updates in front of the embedded database: the relay makes an
 * update durable with one `write()` here before it broadcasts it, and moves the journal's
 * records into SQLite in batches later (`JournaledStorage`). A SQLite transaction per update
 * costs several times one `write()` (locks, WAL frames of whole pages); this keeps that cost
 * off each update's path to the other clients.
 *
 * Durability is SQLite's with `synchronous = NORMAL` in WAL mode: a record is in the operating
 * system once `append` returns, so it survives the process being killed, not a power cut.
 * Each record carries its length and a CRC-32, so a record cut short by a crash is recognised at
 * open and dropped with anything after it; the next append overwrites it.
 */
export class UpdateJournal {
  private readonly file: string
  private fd: number
  private size: number
  private closed = false

  private constructor(file: string, fd: number, size: number) {
    this.file = file
    this.fd = fd
    this.size = size
  }

  /** Open (or create) the journal at `file`, returning the records it already holds. */
  static open(file: string): JournalOpened {
    // What a replacement cut short by a crash left (the journal itself is then the old file).
    rmSync(replacementOf(file), { force: true })
    const existing = existsSync(file) ? readFileSync(file) : Buffer.alloc(0)
    const { records, validBytes } = decodeRecords(existing)
    const fd = openSync(file, existsSync(file) ? 'r+' : 'w+')
    const journal = new UpdateJournal(file, fd, validBytes)
    if (validBytes < existing.byteLength) ftruncateSync(fd, validBytes)
    return { journal, recovered: records, discardedBytes: existing.byteLength - validBytes }
  }

  /** Bytes of whole records in the file. */
  get bytes(): number {
    return this.size
  }

  /**
   * Append `records` with one write. Throws if they could not all be written; then the file is
   * as it was before (a partial write is cut off), so later appends stay readable.
   */
  append(records: readonly JournalRecord[]): void {
    if (!records.length) return
    const buffer = encodeRecords(records)
    let written = 0
    try {
      while (written < buffer.byteLength) {
        written += writeSync(this.fd, buffer, written, buffer.byteLength - written, this.size + written)
      }
    } catch (error) {
      if (written > 0) ftruncateSync(this.fd, this.size)
      throw error
    }
    this.size += written
  }

  /**
   * The whole records in bytes [from, to) of the file (offsets as {@link bytes} gave them), at most
   * `maxRecords` of them, and the offset just after the last one returned. For a few records it
   * reads only about as far as they go (a window doubled until they fit), not the whole span.
   */
  read(from: number, to: number, maxRecords = Infinity): { records: JournalRecord[]; end: number } {
    let window = maxRecords === Infinity ? to - from : READ_WINDOW_BYTES
    for (;;) {
      const span = readSpan(this.fd, from, Math.min(to, from + window))
      const { records, validBytes } = decodeRecords(span, maxRecords)
      // Done with all it asked for, or with everything there is (a short read: the file ends).
      if (records.length === maxRecords || from + window >= to || span.byteLength < window)
        return { records, end: from + validBytes }
      window *= 2
    }
  }

  /**
   * The records of room `roomId` in bytes [from, to) of the file, in append order (the others are
   * checked as {@link read} checks them, not decoded).
   */
  readRoom(from: number, to: number, roomId: string): JournalRecord[] {
    return decodeRecords(readSpan(this.fd, from, to), Infinity, roomId).records
  }

  /**
   * Forget every record: they are all in the database now. Up to
   * {@link CLEAR_IN_PLACE_AT_MOST_BYTES} the file is truncated; past that a new empty file is
   * renamed over it (a crash leaves one or the other, and the old one's records are all stored)
   * and the old one is closed on libuv's thread pool, where its blocks are freed. Whoever reads
   * the journal by name opens it afresh for each read. If the new file cannot be made (no file
   * descriptor left, say), the file is truncated where it is.
   */
  clear(): void {
    if (this.size > CLEAR_IN_PLACE_AT_MOST_BYTES && this.replaceWithEmpty()) return
    ftruncateSync(this.fd, 0)
    this.size = 0
  }

  /** Put a new empty file in the journal's place; false, with nothing changed, if it cannot. */
  private replaceWithEmpty(): boolean {
    const replacement = replacementOf(this.file)
    let fd: number
    try {
      fd = openSync(replacement, 'w+')
    } catch {
      return false
    }
    try {
      renameSync(replacement, this.file)
    } catch {
      try {
        closeSync(fd)
        rmSync(replacement, { force: true })
      } catch {
        // A leftover replacement is removed at the next open.
      }
      return false
    }
    const old = this.fd
    this.fd = fd
    this.size = 0
    // Nothing to do if closing fails: the file is already gone from the directory.
    close(old, () => {})
    return true
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    closeSync(this.fd)
  }
}

/** Where {@link UpdateJournal.clear} builds the empty file that replaces `file`. */
function replacementOf(file: string): string {
  return `${file}.next`
}

export function encodeRecords(records: readonly JournalRecord[]): Buffer {
  // Sized first, then written in place: no buffer per room id (one batch is written per turn).
  let total = 0
  for (const r of records) {
    const idBytes = Buffer.byteLength(r.roomId, 'utf8')
    if (idBytes > MAX_ROOM_ID_BYTES) throw new Error(`room id over ${MAX_ROOM_ID_BYTES} bytes`)
    total += HEADER_BYTES + FIXED_PAYLOAD_BYTES + idBytes + r.update.byteLength
  }
  const buffer = Buffer.allocUnsafe(total)
  let at = 0
  for (const r of records) {
    const start = at + HEADER_BYTES
    let p = start + 1
    const idBytes = buffer.write(r.roomId, p, 'utf8')
    buffer.writeUInt8(idBytes, start)
    p += idBytes
    p = buffer.writeDoubleLE(r.seq, p)
    p = buffer.writeDoubleLE(r.ts, p)
    p = buffer.writeUInt8(ROLES.indexOf(r.author), p)
    buffer.set(r.update, p)
    const payloadBytes = FIXED_PAYLOAD_BYTES + idBytes + r.update.byteLength
    buffer.writeUInt32LE(payloadBytes, at)
    buffer.writeUInt32LE(crc32(buffer.subarray(start, start + payloadBytes)), at + 4)
    at = start + payloadBytes
  }
  return buffer
}

/** Bytes [from, to) of the journal open as `fd` (fewer if the file is shorter now). */
export function readSpan(fd: number, from: number, to: number): Buffer {
  const buffer = Buffer.allocUnsafe(Math.max(0, to - from))
  let read = 0
  while (read < buffer.byteLength) {
    const n = readSync(fd, buffer, read, buffer.byteLength - read, from + read)
    if (n === 0) break
    read += n
  }
  return buffer.subarray(0, read)
}

/**
 * The whole records at the start of `data` (at most `maxRecords`), stopping at the first one that
 * is cut short or damaged; `validBytes` is where the last one read ends. With `onlyRoom`, only
 * that room's records are returned (every record is still checked, so both stop at the same one).
 */
export function decodeRecords(
  data: Buffer,
  maxRecords = Infinity,
  onlyRoom?: string
): { records: JournalRecord[]; validBytes: number } {
  const records: JournalRecord[] = []
  const wanted = onlyRoom === undefined ? null : Buffer.from(onlyRoom, 'utf8')
  let at = 0
  while (records.length < maxRecords && at + HEADER_BYTES <= data.byteLength) {
    const length = data.readUInt32LE(at)
    const start = at + HEADER_BYTES
    if (length < FIXED_PAYLOAD_BYTES || start + length > data.byteLength) break
    const payload = data.subarray(start, start + length)
    if (crc32(payload) !== data.readUInt32LE(at + 4)) break
    const idBytes = payload.readUInt8(0)
    if (FIXED_PAYLOAD_BYTES + idBytes > length) break
    let p = 1 + idBytes
    const author = ROLES[payload.readUInt8(p + 16)]
    if (!author) break
    at = start + length
    if (wanted && (idBytes !== wanted.byteLength || wanted.compare(payload, 1, p) !== 0)) continue
    const roomId = payload.toString('utf8', 1, p)
    const seq = payload.readDoubleLE(p)
    const ts = payload.readDoubleLE(p + 8)
    p += 17
    // A copy: the caller may keep it after the file's buffer is gone.
    const update = new Uint8Array(payload.subarray(p))
    records.push({ roomId, seq, ts, author, update })
  }
  return { records, validBytes: at }
}
