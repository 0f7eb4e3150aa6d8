import { AUDIO_CHUNK_MS } from '@loopboard/protocol'
import { apiFetch, ApiRequestError } from '../lib/api.ts'
import { ChunkUploader } from './ChunkUploader.ts'

/** The recording format: Opus in WebM where the browser has it, else Opus in Ogg. */
export function recordingMimeType(): string | null {
  for (const type of ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus']) {
    if (typeof MediaRecorder !== 'undefined' && MediaRecorder.isTypeSupported(type)) return type
  }
  return null
}

export interface MicRecorderOptions {
  roomId: string
  token: string
  userId: string
  name: string
  stream: MediaStream
  /** Local clock → server clock. */
  serverNow: () => number
  onStatus: (status: { recording: boolean; pending: number; error: string | null }) => void
}

/**
 * Records this participant's own microphone in short Opus chunks and uploads each as soon as
 * it is ready, so a dropped network or a closed tab loses at most the chunk in flight.
 */
export class MicRecorder {
  private options: MicRecorderOptions
  private recorder: MediaRecorder | null = null
  private uploader: ChunkUploader | null = null
  private seq = 0
  private chunkStartedAt = 0

  constructor(options: MicRecorderOptions) {
    this.options = options
  }

  async start(): Promise<void> {
    const { roomId, token, name, stream, serverNow, onStatus } = this.options
    const mimeType = recordingMimeType()
    if (!mimeType) throw new Error('This browser cannot record Opus audio.')
    const trackId = crypto.randomUUID()
    await apiFetch(`/api/rooms/${encodeURIComponent(roomId)}/recordings`, {
      method: 'POST',
      token,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ trackId, name, mimeType }),
    }).catch((error: unknown) => {
      if (error instanceof ApiRequestError && error.code === 'unknown') {
        throw new Error(`The server refused the recording (${error.status}).`)
      }
      throw error
    })
    const base = `/api/rooms/${encodeURIComponent(roomId)}/recordings/${trackId}/chunks`
    this.uploader = new ChunkUploader(
      (seq) => `${base}/${seq}`,
      token,
      (pending, error) => onStatus({ recording: true, pending, error })
    )
    const recorder = new MediaRecorder(stream, { mimeType, audioBitsPerSecond: 32_000 })
    this.recorder = recorder
    this.chunkStartedAt = serverNow()
    recorder.ondataavailable = (event) => {
      if (!event.data.size) return
      const now = serverNow()
      this.uploader?.push({
        seq: this.seq++,
        body: event.data,
        startedAt: this.chunkStartedAt,
        durationMs: now - this.chunkStartedAt,
      })
      this.chunkStartedAt = now
    }
    recorder.start(AUDIO_CHUNK_MS)
    onStatus({ recording: true, pending: 0, error: null })
  }

  /** Stop recording; the last partial chunk is flushed and uploaded. */
  async stop(): Promise<void> {
    const recorder = this.recorder
    this.recorder = null
    if (recorder && recorder.state !== 'inactive') {
      await new Promise<void>((resolve) => {
        recorder.addEventListener('stop', () => resolve(), { once: true })
        recorder.stop()
      })
    }
    await this.uploader?.drain()
    this.options.onStatus({ recording: false, pending: 0, error: null })
  }
}
