/**
 * The real Loopboard server (`startServer`, configured from the environment like `main.ts`), run
 * as a child of the bench with an IPC channel, so the bench can read the relay's own heap after a
 * forced GC and time a room load from the same SQLite file. Start with `node --expose-gc`.
 * Bench code only: the server itself is not changed.
 */
import { performance } from 'node:perf_hooks'
import { loadConfig } from '../server/src/config.ts'
import { startServer } from '../server/src/createServer.ts'
import { createLogger } from '../server/src/logger.ts'
import { SyncRoom } from '../server/src/sync/SyncRoom.ts'

export type RelayRequest =
  | { id: number; type: 'mem' }
  | { id: number; type: 'activeRooms' }
  | { id: number; type: 'createRooms'; count: number }
  | { id: number; type: 'loadRoom'; roomId: string }

export interface MemReply {
  heapUsed: number
  heapTotal: number
  external: number
  arrayBuffers: number
  rss: number
  activeRooms: number
}

export interface LoadReply {
  /** `storage.loadRoomState` alone (SQLite read). */
  readMs: number
  /** The whole `SyncRoom` constructor: read + apply snapshot and log to a fresh Y.Doc. */
  constructMs: number
  records: number
  snapshotBytes: number
  logUpdates: number
}

const config = { ...loadConfig(), port: 0, host: '127.0.0.1', publicUrl: undefined }
const logger = createLogger(config.logLevel)
const server = await startServer(config, logger)
process.stdout.write(`bench relay ready at http://127.0.0.1:${server.port}\n`)

const gc = (globalThis as { gc?: () => void }).gc

function collect() {
  if (!gc) throw new Error('start the relay process with --expose-gc')
  for (let i = 0; i < 3; i++) gc()
}

async function handle(request: RelayRequest): Promise<unknown> {
  switch (request.type) {
    case 'mem': {
      collect()
      const m = process.memoryUsage()
      return {
        heapUsed: m.heapUsed,
        heapTotal: m.heapTotal,
        external: m.external,
        arrayBuffers: m.arrayBuffers,
        rss: m.rss,
        activeRooms: server.relay.activeRooms,
      } satisfies MemReply
    }
    case 'activeRooms':
      return server.relay.activeRooms
    case 'createRooms':
      return Promise.all(
        Array.from({ length: request.count }, async () => {
          const { room, tokens } = await server.rooms.create('bench')
          return { roomId: room.id, token: tokens.interviewer }
        })
      )
    case 'loadRoom': {
      const t0 = performance.now()
      const state = await server.storage.loadRoomState(request.roomId)
      const t1 = performance.now()
      const room = await SyncRoom.load({
        roomId: request.roomId,
        storage: server.storage,
        logger,
        snapshotEveryUpdates: config.snapshotEveryUpdates,
      })
      const t2 = performance.now()
      const records = room.doc.getMap('tldraw').size
      room.destroy(1001, 'bench')
      return {
        readMs: t1 - t0,
        constructMs: t2 - t1,
        records,
        snapshotBytes: state.snapshot?.byteLength ?? 0,
        logUpdates: state.updates.length,
      } satisfies LoadReply
    }
  }
}

process.on('message', (request: RelayRequest) => {
  handle(request).then(
    (value) => process.send?.({ id: request.id, ok: true, value }),
    (error: unknown) => process.send?.({ id: request.id, ok: false, error: (error as Error).message })
  )
})
process.on('disconnect', () => process.exit(0))
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void server.close().then(() => process.exit(0)))
}
