import { Zip, ZipDeflate, ZipPassThrough } from 'fflate'

export interface ZipEntry {
  /** Path inside the archive, `/`-separated. */
  name: string
  /** Deflate it (text) or store it as is (audio, already compressed). */
  compress: boolean
  mtime?: number
  /** The file's bytes, produced lazily so a large archive is never held in memory. */
  content: () => AsyncIterable<Uint8Array> | Iterable<Uint8Array>
}

/**
 * A ZIP archive of `entries`, generated as it is read: each entry's content is pulled only
 * when the reader wants more, so the response streams with back-pressure.
 */
export async function* zipStream(entries: Iterable<ZipEntry>): AsyncGenerator<Uint8Array> {
  const out: Uint8Array[] = []
  let failure: Error | null = null
  // ZipPassThrough and ZipDeflate are synchronous: pushing a piece emits its output at once.
  const zip = new Zip((error, data) => {
    if (error) failure = error
    else out.push(data)
  })
  const drain = function* () {
    if (failure) throw failure
    yield* out.splice(0)
  }
  for (const entry of entries) {
    const file = entry.compress ? new ZipDeflate(entry.name, { level: 6 }) : new ZipPassThrough(entry.name)
    if (entry.mtime !== undefined) file.mtime = entry.mtime
    zip.add(file)
    for await (const piece of entry.content()) {
      if (piece.byteLength === 0) continue
      file.push(piece)
      yield* drain()
    }
    file.push(new Uint8Array(0), true)
    yield* drain()
  }
  zip.end()
  yield* drain()
}
