import { PROTOCOL_VERSION } from '@loopboard/protocol'
import { describe, expect, it } from 'vitest'
import { createRoom, httpBase, useTestContext, waitFor } from './helpers.ts'

const ctx = useTestContext()

/** engine.io's separator between packets of one HTTP long-polling payload. */
const RECORD_SEPARATOR = '\x1e'

describe('socket.io handshakes', () => {
  it('admits one room socket per connection: a burst of CONNECT packets cannot pass MAX_ROOM_PARTICIPANTS', async () => {
    const server = await ctx.server({ maxRoomParticipants: 3 })
    const room = await createRoom(server)
    const base = `${httpBase(server)}/socket.io/?EIO=4&transport=polling`
    const open = await (await fetch(base)).text()
    const sid = (JSON.parse(open.slice(1)) as { sid: string }).sid
    const session = `${base}&sid=${encodeURIComponent(sid)}`
    const auth = (i: number) => ({
      roomId: room.roomId,
      token: room.tokens.observer,
      name: `Flood ${i}`,
      userId: `flood-${i}`,
      protocolVersion: PROTOCOL_VERSION,
    })
    // Twenty CONNECT packets for the same namespace in one payload, all decoded in one turn.
    const body = Array.from({ length: 20 }, (_, i) => `40${JSON.stringify(auth(i))}`).join(RECORD_SEPARATOR)
    const posted = await fetch(session, { method: 'POST', body, headers: { 'Content-Type': 'text/plain' } })
    expect(posted.status).toBe(200)
    await waitFor(() => server.presence.list(room.roomId).length > 0, 'the first socket to be admitted')
    // Whatever else was going to be admitted has been by the time a poll answers.
    await (await fetch(session)).text()
    expect(server.presence.list(room.roomId).length).toBe(1)
    expect(server.presence.socketsIn(room.roomId).length).toBe(1)
  })
})
