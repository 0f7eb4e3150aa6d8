import { createHash } from 'node:crypto'
import { Role, TimelineEventType, type TimelineEvent } from '@loopboard/protocol'
import { describe, expect, it } from 'vitest'
import { openWithRooms, type StoreUnderTest } from '../storage/interviewStoreContract.ts'
import type { ChunkRow, RecordingStore, TrackRow } from './RecordingStore.ts'

const by = { userId: 'u1', name: 'Ada' }
const started = (ts: number): TimelineEvent => ({ ts, type: TimelineEventType.RecordingStarted, data: by })
const stopped = (ts: number): TimelineEvent => ({ ts, type: TimelineEventType.RecordingStopped, data: by })

const track = (roomId: string, id: string, recordingId: number, startedAt = 100): TrackRow => ({
  roomId,
  id,
  recordingId,
  userId: 'u1',
  name: 'Ada',
  role: Role.Candidate,
  seat: Role.Candidate,
  mimeType: 'audio/webm;codecs=opus',
  startedAt,
})

const chunkOf = (seq: number, bytes: Uint8Array, startedAt = 1_000 + seq * 100): ChunkRow => ({
  seq,
  startedAt,
  durationMs: 100,
  bytes: bytes.byteLength,
  sha256: createHash('sha256').update(bytes).digest('hex'),
})

/**
 * What every {@link RecordingStore} must do, run against the embedded SQLite (bytes in files) and
 * a real Postgres (bytes in rows) in `stores.contract.test.ts`.
 */
export function recordingStoreContract(name: string, open: () => Promise<StoreUnderTest<RecordingStore>>): void {
  describe(`${name}: recording store contract`, () => {
    const withRooms = openWithRooms(open)

    it('opens one recording period at a time, each start and stop with its event', async () => {
      const { store, interview } = await withRooms('r1', 'r2')
      expect(await store.currentRecording('r1')).toBeNull()
      const first = await store.startRecording('r1', 10, started(10))
      expect(first).toEqual({ id: expect.any(Number), startedAt: 10, stoppedAt: null })
      expect(await store.startRecording('r1', 11, started(11))).toBeNull()
      expect(await store.currentRecording('r1')).toEqual(first)
      expect(await store.currentRecording('r2')).toBeNull()
      expect(await store.stopRecording('r1', 20, stopped(20))).toBe(true)
      expect(await store.stopRecording('r1', 21, stopped(21))).toBe(false)
      expect(await store.currentRecording('r1')).toBeNull()
      expect(await store.recording(first!.id)).toEqual({ id: first!.id, startedAt: 10, stoppedAt: 20 })
      expect(await store.stopRecording('r2', 22, stopped(22))).toBe(false)
      const second = await store.startRecording('r1', 30, started(30))
      expect(second!.id).toBeGreaterThan(first!.id)
      expect(await interview.events('r1')).toEqual([started(10), stopped(20), started(30)])
      expect(await interview.events('r2')).toEqual([])
    })

    it('opens exactly one period when many starts race', async () => {
      const { store, interview } = await withRooms('r1')
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => store.startRecording('r1', 10 + i, started(10 + i)))
      )
      expect(results.filter((r) => r !== null)).toHaveLength(1)
      expect(await interview.events('r1')).toHaveLength(1)
      const stops = await Promise.all(
        Array.from({ length: 12 }, (_, i) => store.stopRecording('r1', 50 + i, stopped(50 + i)))
      )
      expect(stops.filter(Boolean)).toHaveLength(1)
    })

    it('keeps each participant’s latest answer, in the order they were last given', async () => {
      const { store } = await withRooms('r1')
      expect(await store.consent('r1', 'u1')).toBeNull()
      await store.setConsent('r1', 'u1', true, 1)
      await store.setConsent('r1', 'u2', false, 2)
      await store.setConsent('r1', 'u1', false, 3)
      expect(await store.consent('r1', 'u1')).toBe(false)
      expect(await store.consents('r1')).toEqual([
        { userId: 'u2', consent: false },
        { userId: 'u1', consent: false },
      ])
      await store.deleteConsent('r1', 'u2')
      expect(await store.consents('r1')).toEqual([{ userId: 'u1', consent: false }])
    })

    it('stores a track’s chunks with their bytes, once per seq, and adds them up', async () => {
      const { store } = await withRooms('r1')
      const recording = (await store.startRecording('r1', 10, started(10)))!
      await store.insertTrack(track('r1', 't1', recording.id))
      await store.insertTrack(track('r1', 't0', recording.id, 200))
      expect(await store.track('r1', 't1')).toEqual(track('r1', 't1', recording.id))
      expect(await store.track('r1', 'nope')).toBeNull()

      const one = new Uint8Array([1, 2, 3])
      const zero = new Uint8Array(70_000).map((_, i) => i % 251)
      expect(await store.insertChunk('r1', 't1', chunkOf(1, one), one, 500)).toBe(true)
      expect(await store.insertChunk('r1', 't1', chunkOf(0, zero), zero, 501)).toBe(true)
      // The same seq again stores nothing, whatever its bytes.
      expect(await store.insertChunk('r1', 't1', chunkOf(1, zero), zero, 502)).toBe(false)
      expect(await store.chunk('r1', 't1', 1)).toEqual(chunkOf(1, one))
      expect(await store.chunk('r1', 't1', 7)).toBeNull()
      expect(await store.chunks('r1', 't1')).toEqual([chunkOf(0, zero), chunkOf(1, one)])
      expect(Buffer.from(await store.readChunk('r1', 't1', 1))).toEqual(Buffer.from(one))
      expect(Buffer.from(await store.readChunk('r1', 't1', 0))).toEqual(Buffer.from(zero))
      expect(await store.roomAudioBytes('r1')).toBe(70_003)
      expect(await store.tracks('r1')).toEqual([
        { ...track('r1', 't1', recording.id), chunks: 2, durationMs: 200, bytes: 70_003, firstChunkAt: 1_000 },
        { ...track('r1', 't0', recording.id, 200), chunks: 0, durationMs: 0, bytes: 0, firstChunkAt: null },
      ])
      // A chunk of a track that does not exist is refused, and nothing is left of it.
      await expect(store.insertChunk('r1', 'ghost', chunkOf(0, one), one, 503)).rejects.toThrow()
      expect(await store.chunks('r1', 'ghost')).toEqual([])
    })

    it('forgets a deleted room’s recordings, tracks and audio', async () => {
      const { store, storage } = await withRooms('r1', 'r2')
      for (const roomId of ['r1', 'r2']) {
        const recording = (await store.startRecording(roomId, 10, started(10)))!
        await store.insertTrack(track(roomId, 't1', recording.id))
        const bytes = new Uint8Array([roomId === 'r1' ? 1 : 2])
        await store.insertChunk(roomId, 't1', chunkOf(0, bytes), bytes, 20)
        await store.setConsent(roomId, 'u1', true, 20)
      }
      await storage.deleteRoom('r1')
      await store.removeRoomAudio('r1')
      await store.sweepAudio(async (roomId) => (await storage.getRoom(roomId)) !== null)
      expect(await store.tracks('r1')).toEqual([])
      expect(await store.consents('r1')).toEqual([])
      expect(await store.roomAudioBytes('r1')).toBe(0)
      expect(await store.currentRecording('r1')).toBeNull()
      // The other room keeps everything.
      expect(Buffer.from(await store.readChunk('r2', 't1', 0))).toEqual(Buffer.from([2]))
      expect(await store.consent('r2', 'u1')).toBe(true)
    })
  })
}
