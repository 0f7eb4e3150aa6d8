import { PROTOCOL_VERSION } from '@loopboard/protocol'
import type { Socket } from 'socket.io-client'
import { describe, expect, it } from 'vitest'
import { createRoom, httpBase, useTestContext, waitFor, withTimeout } from './helpers.ts'

const ctx = useTestContext()

/** engine.io's separator between packets of one HTTP long-polling payload. */
const RECORD_SEPARATOR = '\x1e'

describe('socket.io sockets that do not read', () => {
  it('closes a socket.io session whose queued replies pass MAX_SEND_BUFFER_BYTES; others carry on', async () => {
    const server = await ctx.server({ maxSendBufferBytes: 64 * 1024 })
    const room = await createRoom(server)
    const base = `${httpBase(server)}/socket.io/?EIO=4&transport=polling`

    // A long-polling session that sends and never polls again: every reply queues on the server.
    const open = await (await fetch(base)).text()
    const sid = (JSON.parse(open.slice(1)) as { sid: string }).sid
    const session = `${base}&sid=${encodeURIComponent(sid)}`
    const post = (body: string) => fetch(session, { method: 'POST', body, headers: { 'Content-Type': 'text/plain' } })
    const auth = {
      roomId: room.roomId,
      token: room.tokens.observer,
      name: 'Stalled',
      userId: 'stalled',
      protocolVersion: PROTOCOL_VERSION,
    }
    expect((await post(`40${JSON.stringify(auth)}`)).status).toBe(200)
    // One poll, to know the handshake went through; none after it.
    expect(await (await fetch(session)).text()).toMatch(/^40\{"sid"/)

    // 2,000 acknowledged requests per POST (~60 KB of answers each).
    let closed = false
    const deadline = Date.now() + 20_000
    for (let batch = 0; !closed && Date.now() < deadline; batch++) {
      const packets = Array.from({ length: 2_000 }, (_, i) => `42${batch * 2_000 + i}["time:sync",{}]`)
      const response = await post(packets.join(RECORD_SEPARATOR))
      await response.text()
      closed = response.status !== 200
      // The server closes a socket that stays over its limit for a second: give it that second.
      if (!closed && batch >= 20) await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(closed).toBe(true)

    // Someone who reads is unaffected.
    const reader = ctx.presence(server, {
      roomId: room.roomId,
      token: room.tokens.interviewer,
      name: 'Ada',
      userId: 'ada',
    })
    const reply = await withTimeout((reader as unknown as Socket).emitWithAck('time:sync', {}), 'a reader’s time sync')
    expect(reply).toMatchObject({ serverNow: expect.any(Number) })
  }, 30_000)
})

describe('socket.io over websocket', () => {
  it('disconnects a websocket client that stops reading once MAX_SEND_BUFFER_BYTES wait for it', async () => {
    const server = await ctx.server({ maxSendBufferBytes: 64 * 1024 })
    const room = await createRoom(server)
    const auth = { roomId: room.roomId, token: room.tokens.observer, name: 'Stalled', userId: 'stalled' }
    const stalled = ctx.presence(server, auth) as unknown as Socket
    await waitFor(() => stalled.connected, 'the stalled client to connect')
    // Stop reading the TCP socket: the kernel buffers fill, then the server's queue for it grows.
    const engine = stalled.io.engine as unknown as { transport: { ws: { _socket: { pause(): void } } } }
    engine.transport.ws._socket.pause()
    let disconnected = false
    const deadline = Date.now() + 30_000
    while (!disconnected && Date.now() < deadline) {
      for (let i = 0; i < 2_000; i++) stalled.emit('time:sync', {}, () => {})
      await new Promise((resolve) => setTimeout(resolve, 20))
      disconnected = server.presence.socketsIn(room.roomId).length === 0
    }
    expect(disconnected).toBe(true)
  }, 40_000)
})
