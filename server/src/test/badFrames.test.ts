import { CloseCode } from '@loopboard/protocol'
import * as encoding from 'lib0/encoding'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  createRoom,
  docUntil,
  MSG_SYNC,
  textUpdate,
  updateFrame,
  useTestContext,
  waitFor,
  withTimeout,
  type RawClient,
} from './helpers.ts'

const ctx = useTestContext()

const MAX_FRAME_BYTES = 4096

const records = (doc: Y.Doc) => doc.getMap<Record<string, unknown>>('records')

/** A sync "update" message whose length prefix promises more bytes than follow. */
function truncatedSync(): Uint8Array {
  const full = updateFrame(textUpdate('this update will be cut in half'))
  return full.subarray(0, Math.floor(full.length / 2))
}

/** A well-framed sync message whose Yjs payload is a real update cut short. */
function truncatedPayload(): Uint8Array {
  const update = textUpdate('this update will be cut in half')
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MSG_SYNC)
  encoding.writeVarUint(e, 2)
  encoding.writeVarUint8Array(e, update.subarray(0, update.length - 3))
  return encoding.toUint8Array(e)
}

/** A valid update carrying a Y.Text just over the frame limit. */
function oversizedUpdate(): Uint8Array {
  return updateFrame(textUpdate('x'.repeat(MAX_FRAME_BYTES + 100), 'huge'))
}

const cases: Array<{ name: string; frame: () => Uint8Array | string; code: number; reason: RegExp }> = [
  { name: 'a text frame', frame: () => 'hello relay', code: CloseCode.UnsupportedData, reason: /text frames/ },
  { name: 'a truncated sync message', frame: truncatedSync, code: CloseCode.MalformedMessage, reason: /malformed/ },
  {
    name: 'a sync message with a truncated update',
    frame: truncatedPayload,
    code: CloseCode.MalformedMessage,
    reason: /malformed/,
  },
  {
    name: 'pure garbage bytes',
    frame: () => Uint8Array.from(Buffer.from('deadbeefcafebabe0badf00d1337c0de', 'hex')),
    code: CloseCode.MalformedMessage,
    reason: /malformed/,
  },
  {
    name: 'an unknown message type',
    frame: () => Uint8Array.of(42, 1, 2, 3),
    code: CloseCode.MalformedMessage,
    reason: /unknown message type 42/,
  },
  {
    name: 'a frame over MAX_FRAME_BYTES',
    frame: oversizedUpdate,
    code: CloseCode.MessageTooBig,
    reason: new RegExp(`limit of ${MAX_FRAME_BYTES}`),
  },
]

/** Two rooms: room one with an interviewer, a candidate and an attacker (raw socket); room two with two clients. */
async function setup() {
  const server = await ctx.server({ maxFrameBytes: MAX_FRAME_BYTES })
  const one = await createRoom(server)
  const two = await createRoom(server)
  const a = await ctx.syncedProvider(server, one.roomId, one.tokens.interviewer)
  const b = await ctx.syncedProvider(server, one.roomId, one.tokens.candidate)
  const c = await ctx.syncedProvider(server, two.roomId, two.tokens.interviewer)
  const d = await ctx.syncedProvider(server, two.roomId, two.tokens.candidate)
  // Some content in each room first, so "nothing changed" is checked against a non-empty log.
  records(a.doc).set('shape:1', { x: 1 })
  records(c.doc).set('shape:1', { x: 1 })
  await docUntil(b.doc, (doc) => records(doc).has('shape:1'), 'room one to sync')
  await docUntil(d.doc, (doc) => records(doc).has('shape:1'), 'room two to sync')
  return { server, one, two, a, b, c, d }
}

async function expectClosed(raw: RawClient, code: number, reason: RegExp) {
  const closed = await withTimeout(raw.closed, 'the offending socket to be closed')
  expect(closed.code).toBe(code)
  expect(closed.reason).toMatch(reason)
  expect(Buffer.byteLength(closed.reason)).toBeLessThanOrEqual(123)
}

describe('bad frames close only the offending socket', () => {
  it.each(cases)('$name → close $code with a reason; everyone else unaffected', async ({ frame, code, reason }) => {
    const { server, one, two, a, b, c, d } = await setup()
    for (const role of ['candidate', 'observer'] as const) {
      const raw = await ctx.raw(server, one.roomId, one.tokens[role])
      await raw.waitForMessage((f) => f.type === 'sync', 'the server’s sync step 1')
      const before = {
        one: (await server.storage.readUpdates(one.roomId)).length,
        two: (await server.storage.readUpdates(two.roomId)).length,
      }
      const liveBefore = Y.encodeStateAsUpdate(server.relay.room(one.roomId).doc)

      raw.send(frame())
      await expectClosed(raw, code, reason)

      expect(await server.storage.readUpdates(one.roomId)).toHaveLength(before.one)
      expect(await server.storage.readUpdates(two.roomId)).toHaveLength(before.two)
      expect(Y.encodeStateAsUpdate(server.relay.room(one.roomId).doc)).toEqual(liveBefore)
      await waitFor(() => server.relay.room(one.roomId).size === 2, 'the server to drop the socket')
    }

    // Every other socket is still open and still syncing, in both rooms.
    for (const p of [a, b, c, d]) {
      expect(p.provider.wsconnected).toBe(true)
      expect(p.closes).toEqual([])
    }
    records(b.doc).set('shape:after', { x: 2 })
    records(d.doc).set('shape:after', { x: 3 })
    await docUntil(a.doc, (doc) => records(doc).has('shape:after'), 'room one to keep syncing')
    await docUntil(c.doc, (doc) => records(doc).has('shape:after'), 'room two to keep syncing')
    expect(records(a.doc).get('shape:after')).toEqual({ x: 2 })
    expect(records(c.doc).get('shape:after')).toEqual({ x: 3 })
    expect(records(a.doc).has('huge')).toBe(false)
    expect(a.doc.getText('huge').length).toBe(0)
  })

  it('cuts off a frame far over the limit at the WebSocket layer with 1009', async () => {
    const { server, one, a, b } = await setup()
    const raw = await ctx.raw(server, one.roomId, one.tokens.candidate)
    const before = (await server.storage.readUpdates(one.roomId)).length
    raw.send(new Uint8Array(MAX_FRAME_BYTES + 128 * 1024))
    expect((await withTimeout(raw.closed, 'close')).code).toBe(CloseCode.MessageTooBig)
    expect(await server.storage.readUpdates(one.roomId)).toHaveLength(before)
    records(a.doc).set('still', { ok: true })
    await docUntil(b.doc, (doc) => records(doc).has('still'), 'room to keep syncing')
  })

  it('accepts a frame exactly at the limit', async () => {
    const { server, one, a } = await setup()
    const raw = await ctx.raw(server, one.roomId, one.tokens.candidate)
    // Grow a text update until its frame is exactly MAX_FRAME_BYTES (fixed client id: sizes are stable).
    const edgeFrame = (length: number) => {
      const doc = new Y.Doc()
      doc.clientID = 7
      doc.getText('edge').insert(0, 'y'.repeat(length))
      return updateFrame(Y.encodeStateAsUpdate(doc))
    }
    let size = MAX_FRAME_BYTES - 100
    let frame = edgeFrame(size)
    while (frame.length < MAX_FRAME_BYTES) frame = edgeFrame(++size)
    expect(frame.length).toBe(MAX_FRAME_BYTES)
    raw.send(frame)
    await docUntil(a.doc, (doc) => doc.getText('edge').length === size, 'the edge-sized update to arrive')
    expect(raw.isOpen).toBe(true)
    expect((await server.storage.readUpdates(one.roomId)).at(-1)?.author).toBe('candidate')
  })
})

describe('a well-framed update that Yjs cannot apply', () => {
  it('closes only the sender with 1007 when the doc was left untouched; nothing stored, the room carries on', async () => {
    const { server, one, two, a, b, c } = await setup()
    const raw = await ctx.raw(server, one.roomId, one.tokens.candidate)
    const before = (await server.storage.readUpdates(one.roomId)).length
    // Decodes as a Yjs update, but integrating it throws (its origin is a later struct of its own client).
    raw.send(updateFrame(Uint8Array.from(Buffer.from('01010200840204012100', 'hex'))))
    const closed = await withTimeout(raw.closed, 'the offending socket to be closed')
    expect(closed.code).toBe(1007)
    expect(closed.reason).toMatch(/could not be applied/)
    expect(await server.storage.readUpdates(one.roomId)).toHaveLength(before)

    // Nobody else was dropped and the room keeps syncing from the same memory.
    records(a.doc).set('shape:after', { x: 9 })
    await docUntil(b.doc, (doc) => records(doc).has('shape:after'), 'room one to keep syncing')
    expect([...a.closes, ...b.closes, ...c.closes]).toEqual([])
    expect(records(server.relay.room(one.roomId).doc).get('shape:1')).toEqual({ x: 1 })
    expect(await server.storage.readUpdates(two.roomId)).toHaveLength(1)
  })
})
