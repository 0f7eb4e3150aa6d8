import type { CreateRoomResponse } from '@loopboard/protocol'
import { describe, expect, it } from 'vitest'
import type * as Y from 'yjs'
import { testConfig } from '../config.ts'
import { startServer, type LoopboardServer } from '../createServer.ts'
import { createRoom, docUntil, synced, useTestContext, waitFor, type ProviderHandle } from './helpers.ts'
import { spawnServer, type ServerProcess } from './serverProcess.ts'

const ctx = useTestContext()

/** Small deterministic PRNG so a failing seed can be replayed. */
function mulberry32(seed: number) {
  return () => {
    seed |= 0
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const records = (doc: Y.Doc) => doc.getMap<number>('records')

async function postRoom(proc: ServerProcess): Promise<CreateRoomResponse> {
  const res = await fetch(`${proc.httpBase}/api/rooms`, { method: 'POST', body: '{}' })
  return (await res.json()) as CreateRoomResponse
}

describe('kill -9 during writes', () => {
  it('loses none of the writes any client was shown, over three crashes', async () => {
    const dataDir = ctx.tempDir()
    const rand = mulberry32(7)
    let proc = await spawnServer(ctx, dataDir)
    const room = await postRoom(proc)
    const acknowledged = new Set<string>()
    let total = 0
    for (let round = 0; round < 3; round++) {
      const writer = await ctx.syncedProvider(proc.wsBase, room.roomId, room.tokens.candidate)
      const watcher = await ctx.syncedProvider(proc.wsBase, room.roomId, room.tokens.interviewer)
      // The relay commits an update before it relays it: what the watcher sees is acknowledged.
      watcher.doc.on('update', () => records(watcher.doc).forEach((_v, k) => acknowledged.add(k)))
      let stop = false
      const writing = (async () => {
        for (let i = 0; !stop; i++) {
          records(writer.doc).set(`r${round}-${i}`, i)
          total++
          await new Promise((resolve) => setTimeout(resolve, rand() < 0.5 ? 0 : 1))
        }
      })()
      const target = 100 + Math.floor(rand() * 300)
      await docUntil(
        watcher.doc,
        (d) => [...d.getMap('records').keys()].filter((k) => k.startsWith(`r${round}-`)).length >= target,
        'writes'
      )
      await proc.stop('SIGKILL')
      stop = true
      await writing
      writer.provider.destroy()
      watcher.provider.destroy()
      proc = await spawnServer(ctx, dataDir)
      const fresh = await ctx.syncedProvider(proc.wsBase, room.roomId, room.tokens.observer)
      const stored = new Set(records(fresh.doc).keys())
      const lost = [...acknowledged].filter((k) => !stored.has(k))
      expect(lost, `round ${round}: acknowledged writes lost after kill -9`).toEqual([])
      fresh.provider.destroy()
    }
    expect(acknowledged.size).toBeGreaterThan(300)
    expect(total).toBeGreaterThanOrEqual(acknowledged.size)
  })
})

/** One fuzz run: 4 clients edit at random, drop and rejoin, the server restarts once; all converge. */
async function fuzz(seed: number) {
  const rand = mulberry32(seed)
  const dataDir = ctx.tempDir()
  const config = testConfig({ port: 0, host: '127.0.0.1', dataDir, publicUrl: undefined })
  let server: LoopboardServer = await startServer(config)
  const port = server.port
  ctx.onCleanup(() => server.close())
  const room = await createRoom(server)
  const base = () => `ws://127.0.0.1:${port}/yjs`
  const tokens = [room.tokens.interviewer, room.tokens.candidate, room.tokens.candidate, room.tokens.interviewer]
  const clients: ProviderHandle[] = []
  for (const token of tokens) clients.push(await ctx.syncedProvider(base(), room.roomId, token))

  const STEPS = 60
  const restartAt = 20 + Math.floor(rand() * 20)
  for (let step = 0; step < STEPS; step++) {
    const c = clients[Math.floor(rand() * clients.length)]!
    const roll = rand()
    if (roll < 0.1) {
      if (c.provider.wsconnected || c.provider.shouldConnect) c.provider.disconnect()
      else c.provider.connect()
    } else if (roll < 0.55) {
      records(c.doc).set(`k${Math.floor(rand() * 20)}`, Math.floor(rand() * 1000))
    } else if (roll < 0.7) {
      records(c.doc).delete(`k${Math.floor(rand() * 20)}`)
    } else {
      const text = c.doc.getText('notes')
      if (rand() < 0.7 || text.length === 0)
        text.insert(Math.floor(rand() * (text.length + 1)), 'ab'[Math.floor(rand() * 2)]!)
      else text.delete(Math.floor(rand() * text.length), 1)
    }
    if (step === restartAt) {
      await server.close()
      server = await startServer({ ...config, port })
    }
    if (rand() < 0.3) await new Promise((resolve) => setTimeout(resolve, Math.floor(rand() * 5)))
  }
  for (const c of clients) if (!c.provider.shouldConnect) c.provider.connect()
  await Promise.all(clients.map((c) => waitFor(() => c.provider.synced && c.provider.wsconnected, 'reconnect', 15_000)))
  const live = server.relay.room(room.roomId).doc
  const state = (doc: Y.Doc) =>
    JSON.stringify({ r: [...records(doc).entries()].sort(), n: doc.getText('notes').toString() })
  await waitFor(
    () => clients.every((c) => state(c.doc) === state(live)),
    'all clients to converge with the server',
    15_000
  ).catch((e: Error) => {
    const lines = clients.map((c) => `${c.provider.wsconnected} ${c.provider.synced} ${state(c.doc)}`)
    throw new Error(`${e.message}\nserver ${state(live)}\n${lines.join('\n')}`)
  })
  await Promise.all(clients.map((c) => synced(c.provider)))
}

describe('convergence fuzz', () => {
  const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1)
  it.each(SEEDS)('seed %i: 4 clients with random disconnects and a server restart converge', async (seed) => {
    try {
      await fuzz(seed)
    } catch (error) {
      throw new Error(`fuzz seed ${seed} failed (replay with this seed): ${(error as Error).message}`, { cause: error })
    }
  })
})
