import { connect } from 'node:net'
import { CloseCode, type CreateRoomResponse } from '@loopboard/protocol'
import { describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import type * as Y from 'yjs'
import { docUntil, synced, useTestContext, withTimeout } from './helpers.ts'
import { spawnServer, type ServerProcess } from './serverProcess.ts'

const ctx = useTestContext()

const records = (doc: Y.Doc) => doc.getMap<number>('records')

async function postRoom(proc: ServerProcess): Promise<CreateRoomResponse> {
  const res = await fetch(`${proc.httpBase}/api/rooms`, { method: 'POST', body: '{}' })
  return (await res.json()) as CreateRoomResponse
}

describe('SIGTERM', () => {
  it('exits within 10 s despite a half-open request and a socket that does not read; nothing acknowledged is lost', async () => {
    const dataDir = ctx.tempDir()
    const first = await spawnServer(ctx, dataDir)
    const room = await postRoom(first)

    // A request that never finishes its body, and a /yjs socket that never reads.
    const halfOpen = connect(first.port, '127.0.0.1')
    halfOpen.on('error', () => {})
    halfOpen.write(
      `POST /api/rooms HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`
    )
    ctx.onCleanup(() => void halfOpen.destroy())
    const stalled = new WebSocket(`${first.wsBase}/${room.roomId}?token=${room.tokens.observer}`)
    stalled.on('error', () => {})
    await new Promise((resolve) => stalled.once('open', resolve))
    ;(stalled as unknown as { _socket: { pause(): void } })._socket.pause()
    ctx.onCleanup(() => stalled.terminate())

    const writer = await ctx.syncedProvider(first.wsBase, room.roomId, room.tokens.candidate)
    const watcher = await ctx.syncedProvider(first.wsBase, room.roomId, room.tokens.interviewer)
    const seen = new Set<string>()
    watcher.doc.on('update', () => records(watcher.doc).forEach((_v, k) => seen.add(k)))

    // Keep writing while the signal lands.
    let written = 0
    let stop = false
    const writing = (async () => {
      while (!stop && written < 5_000) {
        records(writer.doc).set(`k${written}`, written)
        written++
        await new Promise((resolve) => setTimeout(resolve, 1))
      }
    })()
    await docUntil(watcher.doc, (d) => records(d).size >= 50, 'writes to flow')
    const started = Date.now()
    const exit = await first.stop('SIGTERM')
    const tookMs = Date.now() - started
    stop = true
    await writing
    writer.provider.disconnect()
    if (exit.code !== 0) throw new Error(first.output().slice(-3000))
    expect(tookMs).toBeLessThan(10_000)
    expect(writer.closes.map((c) => c.code)).toContain(CloseCode.ServiceRestart)

    // Every update another client was shown is on disk.
    const second = await spawnServer(ctx, dataDir)
    const fresh = await ctx.syncedProvider(second.wsBase, room.roomId, room.tokens.observer)
    const stored = new Set(records(fresh.doc).keys())
    const lost = [...seen].filter((k) => !stored.has(k))
    expect(lost).toEqual([])
    // The writer learns what did not make it (its socket was closed) and sends it again on reconnect.
    const again = ctx.provider(second.wsBase, room.roomId, room.tokens.candidate, writer.doc)
    await synced(again.provider)
    await docUntil(fresh.doc, (d) => records(d).size === written, 'every write after the writer reconnects', 10_000)
    await withTimeout(second.stop('SIGTERM'), 'second stop')
  })
})
