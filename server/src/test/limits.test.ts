import { CloseCode } from '@loopboard/protocol'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  awarenessFrame,
  createRoom,
  docUntil,
  syncStep1Frame,
  useTestContext,
  waitFor,
  withTimeout,
  type RawClient,
} from './helpers.ts'

const ctx = useTestContext()

const records = (doc: Y.Doc) => doc.getMap<Record<string, unknown>>('records')

async function expectClosed(raw: RawClient, code: number, reason: RegExp) {
  const closed = await withTimeout(raw.closed, 'the socket to be closed', 15_000)
  expect(closed).toMatchObject({ code })
  expect(closed.reason).toMatch(reason)
}

describe('per-socket and per-room limits on /yjs', () => {
  it('refuses a socket past MAX_ROOM_PARTICIPANTS with 4409; a seat frees up when someone leaves', async () => {
    const server = await ctx.server({ maxRoomParticipants: 2 })
    const room = await createRoom(server)
    const a = await ctx.syncedProvider(server, room.roomId, room.tokens.interviewer)
    const b = await ctx.raw(server, room.roomId, room.tokens.candidate)
    const c = await ctx.raw(server, room.roomId, room.tokens.observer)
    await expectClosed(c, CloseCode.RoomFull, /full \(2 participants\)/)
    expect(a.provider.wsconnected).toBe(true)
    b.ws.close()
    await withTimeout(b.closed, 'b to close')
    const d = await ctx.raw(server, room.roomId, room.tokens.observer)
    await d.waitForMessage((f) => f.type === 'sync', 'a seat for d')
  })

  it('closes a socket that does not read once its send buffer is over MAX_SEND_BUFFER_BYTES (4408); writers carry on', async () => {
    const server = await ctx.server({ maxSendBufferBytes: 256 * 1024 })
    const room = await createRoom(server)
    const writer = await ctx.syncedProvider(server, room.roomId, room.tokens.candidate)
    const reader = await ctx.syncedProvider(server, room.roomId, room.tokens.interviewer)
    const stalled = await ctx.raw(server, room.roomId, room.tokens.observer)
    await stalled.waitForMessage((f) => f.type === 'sync', 'the server’s sync step 1')
    // Stop reading: the kernel buffers fill, then the relay's queue for this socket grows.
    ;(stalled.ws as unknown as { _socket: { pause(): void } })._socket.pause()

    const chunk = 'x'.repeat(200_000)
    for (let i = 0; i < 100 && stalled.isOpen; i++) {
      writer.doc.getText(`t${i}`).insert(0, chunk)
      await docUntil(reader.doc, (d) => d.getText(`t${i}`).length > 0, `update ${i} at the reader`)
      if (server.relay.room(room.roomId).size === 2) break
    }
    await waitFor(() => server.relay.room(room.roomId).size === 2, 'the stalled socket to be dropped')
    // Everyone who reads got everything, and it is all stored.
    records(writer.doc).set('after', { ok: true })
    await docUntil(reader.doc, (d) => records(d).has('after'), 'the writer to keep syncing')
  })

  it('closes a socket whose awareness state is over MAX_AWARENESS_STATE_BYTES with 4413', async () => {
    const server = await ctx.server({ maxAwarenessStateBytes: 2048 })
    const room = await createRoom(server)
    const other = await ctx.syncedProvider(server, room.roomId, room.tokens.interviewer)
    const raw = await ctx.raw(server, room.roomId, room.tokens.candidate)
    raw.send(awarenessFrame([{ clientId: 4242, clock: 1, state: { blob: 'x'.repeat(4096) } }]))
    await expectClosed(raw, CloseCode.OverBudget, /awareness state of \d+ bytes; the limit is 2048/)
    expect(other.provider.awareness.getStates().has(4242)).toBe(false)
  })

  it('closes a socket that keeps asking for sync step 2 with 4429', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    const raw = await ctx.raw(server, room.roomId, room.tokens.observer)
    for (let i = 0; i < 50 && raw.isOpen; i++) raw.send(syncStep1Frame(new Y.Doc()))
    await expectClosed(raw, CloseCode.RateLimited, /sync or awareness requests/)
    const answers = raw.messages.filter((m) => m[0] === 0 && m[1] === 1)
    expect(answers.length).toBeLessThanOrEqual(11)
  })
})
