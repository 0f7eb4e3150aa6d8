import { seatHeaders } from '../room/identity.ts'
/** One recorded chunk waiting for the server. */
export interface PendingChunk {
  seq: number
  body: Blob
  /** Server time the chunk's audio began. */
  startedAt: number
  durationMs: number
}

const RETRY_BASE_MS = 500
const RETRY_MAX_MS = 15_000

/**
 * Uploads chunks in order, each idempotently (PUT by sequence number), retrying with backoff
 * until the server has it. A closed tab loses only what is still queued — at most the chunk in
 * flight when uploads keep up.
 */
export class ChunkUploader {
  private queue: PendingChunk[] = []
  private running = false
  private url: (seq: number) => string
  private token: string
  private onChange: (pending: number, error: string | null) => void
  private stopped = false

  constructor(url: (seq: number) => string, token: string, onChange: (pending: number, error: string | null) => void) {
    this.url = url
    this.token = token
    this.onChange = onChange
  }

  push(chunk: PendingChunk): void {
    this.queue.push(chunk)
    this.onChange(this.queue.length, null)
    void this.pump()
  }

  /** Stop retrying (the session is gone); what is queued is dropped. */
  abandon(): void {
    this.stopped = true
    this.queue = []
  }

  /** Resolves when everything queued so far is stored (or abandoned). */
  async drain(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (this.queue.length && !this.stopped && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
  }

  private async pump(): Promise<void> {
    if (this.running) return
    this.running = true
    let attempt = 0
    while (this.queue.length && !this.stopped) {
      const chunk = this.queue[0]!
      try {
        const response = await fetch(this.url(chunk.seq), {
          method: 'PUT',
          headers: {
            ...seatHeaders(this.token),
            'Content-Type': chunk.body.type || 'audio/webm',
            'X-Chunk-Started-At': String(Math.round(chunk.startedAt)),
            'X-Chunk-Duration-Ms': String(Math.round(chunk.durationMs)),
          },
          body: chunk.body,
          keepalive: chunk.body.size < 60_000,
        })
        if (response.ok) {
          this.queue.shift()
          attempt = 0
          this.onChange(this.queue.length, null)
          continue
        }
        // 4xx other than a conflict-on-retry means this chunk can never be stored: drop it, say why.
        if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
          const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null
          this.queue.shift()
          this.onChange(this.queue.length, body?.error?.message ?? `chunk ${chunk.seq} refused (${response.status})`)
          continue
        }
        throw new Error(`server answered ${response.status}`)
      } catch (error) {
        this.onChange(this.queue.length, `Upload failed (${(error as Error).message}); retrying.`)
        await new Promise((r) => setTimeout(r, Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** attempt++)))
      }
    }
    this.running = false
  }
}
