import { describe, expect, it } from 'vitest'
import { awarenessFrame, createRoom, useTestContext, waitFor, withTimeout } from './helpers.ts'

const ctx = useTestContext()

describe('awareness bookkeeping per room', () => {
  it('does not keep a clock for every client id ever seen: sockets that come and go leave nothing behind', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    const ids = (visit: number) => [0, 1, 2, 3].map((i) => 1_000_000 + visit * 4 + i)
    // More ids than a room remembers owners for (1,024), four per connection.
    for (let visit = 0; visit < 300; visit++) {
      const raw = await ctx.raw(server, room.roomId, room.tokens.observer)
      await raw.waitForMessage((f) => f.type === 'sync', 'the server’s sync step 1')
      raw.send(awarenessFrame(ids(visit).map((clientId) => ({ clientId, clock: 1, state: { visit } }))))
      const awareness = server.relay.room(room.roomId).awareness
      await waitFor(() => ids(visit).every((id) => awareness.getStates().has(id)), `visit ${visit}'s states`)
      raw.ws.close()
      await withTimeout(raw.closed, `visit ${visit} to close`)
      await waitFor(() => !awareness.getStates().has(ids(visit)[0]!), `visit ${visit} to be gone`)
    }
    expect(server.relay.room(room.roomId).awareness.meta.size).toBeLessThanOrEqual(1_024)
  })
})
