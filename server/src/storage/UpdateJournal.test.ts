import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useTestContext } from '../test/helpers.ts'
import { CLEAR_IN_PLACE_AT_MOST_BYTES, UpdateJournal, type JournalRecord } from './UpdateJournal.ts'

const ctx = useTestContext()

const record = (seq: number, roomId = 'room-a', size = 3): JournalRecord => ({
  roomId,
  seq,
  ts: 1_700_000_000_000 + seq,
  author: seq % 2 ? 'candidate' : 'interviewer',
  update: new Uint8Array(size).fill(seq),
})

function open(file: string) {
  const opened = UpdateJournal.open(file)
  ctx.onCleanup(() => opened.journal.close())
  return opened
}

describe('UpdateJournal', () => {
  it('gives back, after reopening, every record appended, in order and byte for byte', () => {
    const file = join(ctx.tempDir(), 'j')
    const first = open(file)
    expect(first.recovered).toEqual([])
    first.journal.append([record(1), record(2, 'room-b', 0)])
    first.journal.append([record(3, 'ä-room', 1_000)])
    first.journal.close()
    const again = UpdateJournal.open(file)
    again.journal.close()
    expect(again.recovered).toEqual([record(1), record(2, 'room-b', 0), record(3, 'ä-room', 1_000)])
    expect(again.discardedBytes).toBe(0)
  })

  it('drops a record cut short by a crash and appends readable records after it', () => {
    const file = join(ctx.tempDir(), 'j')
    const { journal } = open(file)
    journal.append([record(1)])
    journal.append([record(2)])
    const whole = statSync(file).size
    journal.close()
    // The second record's write was cut off halfway.
    truncateSync(file, whole - 5)
    const reopened = open(file)
    expect(reopened.recovered.map((r) => r.seq)).toEqual([1])
    expect(reopened.discardedBytes).toBeGreaterThan(0)
    reopened.journal.append([record(3)])
    reopened.journal.close()
    expect(UpdateJournal.open(file).recovered.map((r) => r.seq)).toEqual([1, 3])
  })

  it('stops at a damaged record (checksum) and at trailing garbage', () => {
    const file = join(ctx.tempDir(), 'j')
    const { journal } = open(file)
    journal.append([record(1), record(2), record(3)])
    journal.close()
    const data = readFileSync(file)
    const damaged = Buffer.from(data)
    // A byte inside the second record's update.
    const second = data.indexOf(Buffer.from([2, 2, 2]))
    damaged[second] = 9
    writeFileSync(file, damaged)
    expect(open(file).recovered.map((r) => r.seq)).toEqual([1])

    const clean = join(ctx.tempDir(), 'k')
    writeFileSync(clean, data)
    appendFileSync(clean, Buffer.from([255, 255, 255, 255, 1, 2, 3, 4, 5]))
    const withGarbage = open(clean)
    expect(withGarbage.recovered.map((r) => r.seq)).toEqual([1, 2, 3])
    expect(withGarbage.discardedBytes).toBe(9)
  })

  it('reads back a span of its records by offset, at most a given number, and where they end', () => {
    const { journal } = open(join(ctx.tempDir(), 'j'))
    journal.append([record(1), record(2, 'room-b', 0)])
    const second = journal.bytes
    journal.append([record(3, 'ä-room', 1_000), record(4)])
    const end = journal.bytes
    expect(journal.read(0, end)).toEqual({
      records: [record(1), record(2, 'room-b', 0), record(3, 'ä-room', 1_000), record(4)],
      end,
    })
    expect(journal.read(second, end)).toEqual({ records: [record(3, 'ä-room', 1_000), record(4)], end })
    const firstTwo = journal.read(0, end, 2)
    expect(firstTwo).toEqual({ records: [record(1), record(2, 'room-b', 0)], end: second })
    // A span reaching past the file (cleared meanwhile) gives only its whole records.
    journal.clear()
    journal.append([record(5)])
    expect(journal.read(0, end).records).toEqual([record(5)])
    expect(journal.read(second, end)).toEqual({ records: [], end: second })
  })

  it("reads back one room's records of a span, and stops where a whole read would", () => {
    const file = join(ctx.tempDir(), 'j')
    const { journal } = open(file)
    // Ids of the same length, one a prefix of another, and one of the same bytes in another script.
    const rooms = ['room-a', 'room-b', 'room-', 'room-ab', 'ä-room', 'a-room']
    journal.append(Array.from({ length: 24 }, (_, i) => record(i + 1, rooms[i % rooms.length])))
    const from = journal.bytes
    journal.append([record(25, 'room-a', 0), record(26, 'ä-room', 2_000), record(27, 'room-a')])
    for (const room of rooms) {
      const all = journal.read(0, journal.bytes).records.filter((r) => r.roomId === room)
      expect(journal.readRoom(0, journal.bytes, room)).toEqual(all)
      expect(all.length).toBeGreaterThanOrEqual(4)
    }
    expect(journal.readRoom(from, journal.bytes, 'room-a')).toEqual([record(25, 'room-a', 0), record(27, 'room-a')])
    expect(journal.readRoom(0, journal.bytes, 'room-c')).toEqual([])
    // A damaged record of another room ends the read there too: room-a's record after it is not given.
    const data = readFileSync(file)
    data[data.indexOf(Buffer.from([26, 26, 26]))] = 9
    writeFileSync(file, data)
    expect(journal.read(0, journal.bytes).records.map((r) => r.seq)).toEqual(
      Array.from({ length: 25 }, (_, i) => i + 1)
    )
    expect(journal.readRoom(0, journal.bytes, 'room-a').map((r) => r.seq)).toEqual([1, 7, 13, 19, 25])
  })

  it('reads a few records past its first window: records larger than it, and many smaller ones', () => {
    const { journal } = open(join(ctx.tempDir(), 'j'))
    const big = [record(1, 'room-a', 100_000), record(2, 'room-a', 150_000), record(3)]
    journal.append(big)
    const small = journal.bytes
    journal.append(Array.from({ length: 5_000 }, (_, i) => record(4 + i, 'room-b', 40)))
    expect(journal.read(0, journal.bytes, 2).records).toEqual(big.slice(0, 2))
    const first = journal.read(0, journal.bytes, 3)
    expect(first).toEqual({ records: big, end: small })
    const next = journal.read(small, journal.bytes, 4_000)
    expect(next.records.map((r) => r.seq)).toEqual(Array.from({ length: 4_000 }, (_, i) => 4 + i))
    expect(journal.read(next.end, journal.bytes).records).toHaveLength(1_000)
  })

  it('clear() empties the file; appends start over', () => {
    const file = join(ctx.tempDir(), 'j')
    const { journal } = open(file)
    journal.append([record(1), record(2)])
    expect(journal.bytes).toBe(statSync(file).size)
    journal.clear()
    expect(statSync(file).size).toBe(0)
    journal.append([record(3)])
    journal.close()
    expect(UpdateJournal.open(file).recovered.map((r) => r.seq)).toEqual([3])
  })

  it('clear() of a large journal puts an empty file in its place; of a small one, truncates it', () => {
    const file = join(ctx.tempDir(), 'j')
    const { journal } = open(file)
    journal.append([record(1), record(2)])
    const small = statSync(file).ino
    journal.clear()
    expect(statSync(file)).toMatchObject({ ino: small, size: 0 })
    // Past the bound: 300 records of 1 KiB.
    journal.append(Array.from({ length: 300 }, (_, i) => record(10 + i, 'room-a', 1024)))
    expect(journal.bytes).toBeGreaterThan(CLEAR_IN_PLACE_AT_MOST_BYTES)
    journal.clear()
    const replaced = statSync(file)
    expect(replaced.ino).not.toBe(small)
    expect(replaced.size).toBe(0)
    expect(existsSync(`${file}.next`)).toBe(false)
    // Appends and reads go to the new file.
    journal.append([record(400), record(401)])
    expect(journal.read(0, journal.bytes).records.map((r) => r.seq)).toEqual([400, 401])
    expect(statSync(file).size).toBe(journal.bytes)
    journal.close()
    expect(open(file).recovered.map((r) => r.seq)).toEqual([400, 401])
  })

  it('clear() of a large journal truncates it where it is when no new file can be made', () => {
    const file = join(ctx.tempDir(), 'j')
    const { journal } = open(file)
    journal.append(Array.from({ length: 300 }, (_, i) => record(i + 1, 'room-a', 1024)))
    const inode = statSync(file).ino
    // Something that is not a file stands where the replacement would be made.
    mkdirSync(`${file}.next`)
    journal.clear()
    expect(statSync(file)).toMatchObject({ ino: inode, size: 0 })
    journal.append([record(400)])
    expect(journal.read(0, journal.bytes).records.map((r) => r.seq)).toEqual([400])
    rmSync(`${file}.next`, { recursive: true })
  })

  it('at open, drops a replacement a crash left half made and keeps the journal', () => {
    const file = join(ctx.tempDir(), 'j')
    const { journal } = open(file)
    journal.append([record(1), record(2)])
    journal.close()
    // The crash came after the empty file was made and before it was renamed over the journal.
    writeFileSync(`${file}.next`, '')
    expect(open(file).recovered.map((r) => r.seq)).toEqual([1, 2])
    expect(existsSync(`${file}.next`)).toBe(false)
  })

  it('refuses a room id it could not read back', () => {
    const { journal } = open(join(ctx.tempDir(), 'j'))
    expect(() => journal.append([record(1, 'x'.repeat(256))])).toThrow(/room id/)
    expect(journal.bytes).toBe(0)
  })
})
