import { randomUUID } from 'node:crypto'
import { mkdir, open, readdir, readFile, rename, rm, rmdir } from 'node:fs/promises'
import { join } from 'node:path'

/** Room ids and track ids are URL-safe tokens; nothing else ever becomes a path segment. */
const SAFE_SEGMENT = /^[A-Za-z0-9_-]{1,64}$/

function segment(value: string): string {
  if (!SAFE_SEGMENT.test(value)) throw new Error(`unsafe path segment ${JSON.stringify(value)}`)
  return value
}

/** `000042.chunk`: zero-padded so a directory listing is in seq order. */
export const chunkFileName = (seq: number) => `${String(seq).padStart(6, '0')}.chunk`

/**
 * Audio chunk files: `<root>/<roomId>/<trackId>/<seq padded>.chunk`, where root is
 * `<DATA_DIR>/recordings`. Each is written to a temp file, flushed and renamed into place, so a
 * chunk file is either whole or absent.
 */
export class AudioFiles {
  readonly root: string

  constructor(root: string) {
    this.root = root
  }

  roomDir(roomId: string): string {
    return join(this.root, segment(roomId))
  }

  trackDir(roomId: string, trackId: string): string {
    return join(this.roomDir(roomId), segment(trackId))
  }

  chunkPath(roomId: string, trackId: string, seq: number): string {
    return join(this.trackDir(roomId, trackId), chunkFileName(seq))
  }

  async write(roomId: string, trackId: string, seq: number, bytes: Uint8Array): Promise<void> {
    const dir = this.trackDir(roomId, trackId)
    await mkdir(dir, { recursive: true })
    const target = this.chunkPath(roomId, trackId, seq)
    const temp = join(dir, `.${chunkFileName(seq)}.${randomUUID()}.tmp`)
    try {
      const file = await open(temp, 'wx')
      try {
        await file.writeFile(bytes)
        await file.sync()
      } finally {
        await file.close()
      }
      await rename(temp, target)
    } catch (error) {
      await rm(temp, { force: true })
      throw error
    }
  }

  read(roomId: string, trackId: string, seq: number): Promise<Buffer> {
    return readFile(this.chunkPath(roomId, trackId, seq))
  }

  async removeChunk(roomId: string, trackId: string, seq: number): Promise<void> {
    await rm(this.chunkPath(roomId, trackId, seq), { force: true })
    // Leave no empty track directory behind (fails harmlessly if other chunks are there).
    await rmdir(this.trackDir(roomId, trackId)).catch(() => {})
  }

  /** Every file of a room's recordings. */
  async removeRoom(roomId: string): Promise<void> {
    await rm(this.roomDir(roomId), { recursive: true, force: true })
  }

  /** The room ids that have a directory here. */
  async roomIds(): Promise<string[]> {
    try {
      const entries = await readdir(this.root, { withFileTypes: true })
      return entries.filter((e) => e.isDirectory() && SAFE_SEGMENT.test(e.name)).map((e) => e.name)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    }
  }
}
