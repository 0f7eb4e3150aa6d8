import { describe, expect, it } from 'vitest'
import { createRoom, newTabSecret, useTestContext, waitFor, withTimeout } from './helpers.ts'

const ctx = useTestContext()

describe('socket.io packets that socket.io itself turns into "error"', () => {
  it('a client-sent "error" event and an undecodable packet close only their sender; the server carries on', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    const connect = (name: string) => {
      const socket = ctx.presence(server, {
        roomId: room.roomId,
        token: room.tokens.observer,
        name,
        tab: newTabSecret(),
      })
      return withTimeout(new Promise<typeof socket>((resolve) => socket.on('connect', () => resolve(socket))), name)
    }
    const bystander = await connect('Bea')
    const mallory = await connect('Mal')
    const engine = (mallory.io as unknown as { engine: { write(data: string): void } }).engine
    engine.write('42["error","boom"]')
    engine.write('42["x"')
    await waitFor(() => mallory.disconnected, 'the sender to be dropped')
    const again = await connect('Mal again')
    expect(again.connected).toBe(true)
    expect(bystander.connected).toBe(true)
  })
})
