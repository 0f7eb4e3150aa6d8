import { CloseCode } from '@loopboard/protocol'
import { describe, expect, it } from 'vitest'
import { awarenessFrame, createRoom, useTestContext, withTimeout } from './helpers.ts'

const ctx = useTestContext()

describe('awareness rate per socket on /yjs', () => {
  it('closes a socket that floods awareness states with 4429; a stock client in the room carries on', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    const peer = await ctx.syncedProvider(server, room.roomId, room.tokens.interviewer)
    // The stock client echoes every awareness change it gets, the flooder's too: that must not cost it its seat.
    const peerCloses: string[] = []
    peer.provider.ws!.addEventListener('close', (e) => peerCloses.push(`${e.code} ${e.reason}`))
    const flooder = await ctx.raw(server, room.roomId, room.tokens.observer)
    await flooder.waitForMessage((f) => f.type === 'sync', 'the server’s sync step 1')

    // A 30 KB state (under the per-state limit), sent again and again with a new clock.
    const filler = 'x'.repeat(30_000)
    // As fast as this process can send, until the relay says no (or a generous deadline passes).
    const deadline = Date.now() + 30_000
    for (let clock = 1; flooder.isOpen && Date.now() < deadline; clock++) {
      flooder.send(awarenessFrame([{ clientId: 4242, clock, state: { filler } }]))
      if (clock % 50 === 0) await new Promise((resolve) => setImmediate(resolve))
    }
    const closed = await withTimeout(flooder.closed, 'the flooder to be closed', 5_000)
    expect(closed.code).toBe(CloseCode.RateLimited)
    expect(closed.reason).toMatch(/awareness/)
    expect(peerCloses).toEqual([])
    expect(peer.provider.wsconnected).toBe(true)
  }, 45_000)
})
