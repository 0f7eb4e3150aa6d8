import * as encoding from 'lib0/encoding'
import { describe, expect, it } from 'vitest'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { encodeAwareness, encodeUpdate, MessageType, parseClientMessage } from './messages.ts'

/** The frame as lib0's encoder (and so y-websocket) writes it. */
function lib0Frame(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder()
  write(e)
  return encoding.toUint8Array(e)
}

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 0xff)

describe('update and awareness frames', () => {
  // Around each width of the varUint length: 1, 2, 3 and 4 bytes.
  const lengths = [0, 1, 127, 128, 300, 4_000, 5_000, 16_383, 16_384, 2_097_151, 2_097_152]

  const kinds = [
    {
      kind: 'an update',
      encode: encodeUpdate,
      lib0: (e: encoding.Encoder, payload: Uint8Array) => {
        encoding.writeVarUint(e, MessageType.Sync)
        syncProtocol.writeUpdate(e, payload)
      },
    },
    {
      kind: 'an awareness update',
      encode: encodeAwareness,
      lib0: (e: encoding.Encoder, payload: Uint8Array) => {
        encoding.writeVarUint(e, MessageType.Awareness)
        encoding.writeVarUint8Array(e, payload)
      },
    },
  ]
  const cases = kinds.flatMap(({ kind, encode, lib0 }) => lengths.map((length) => ({ kind, length, encode, lib0 })))

  it.each(cases)('$kind of $length bytes is framed exactly as y-protocols frames it', ({ length, encode, lib0 }) => {
    const payload = bytes(length)
    expect(
      Buffer.compare(
        encode(payload),
        lib0Frame((e) => lib0(e, payload))
      )
    ).toBe(0)
  })

  it('frames sharing the buffer pool keep their own bytes, and read back as what was framed', () => {
    const doc = new Y.Doc()
    const updates: Uint8Array[] = []
    doc.on('update', (u: Uint8Array) => updates.push(u))
    for (let i = 0; i < 50; i++) doc.getMap('m').set(`k${i}`, 'v'.repeat(i * 10))
    const frames = updates.map(encodeUpdate)
    for (const [i, frame] of frames.entries()) {
      const message = parseClientMessage(frame)
      expect(message.type).toBe('update')
      expect(message.type === 'update' && Buffer.compare(message.update, updates[i]!)).toBe(0)
    }
  })
})
