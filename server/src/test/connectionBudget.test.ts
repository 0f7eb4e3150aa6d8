import { describe, expect, it } from 'vitest'
import { useTestContext, waitFor, type TestServer } from './helpers.ts'
import { answeredFrom, idleConnection } from './rawConnections.ts'

const ctx = useTestContext()

const idle = (server: TestServer, localAddress: string) => idleConnection(ctx, server.port, localAddress)
const answered = (server: TestServer, localAddress: string) => answeredFrom(server.port, localAddress)

const settle = () => new Promise((resolve) => setTimeout(resolve, 300))

describe('open connections are budgeted before a byte of them is read', () => {
  it('per address and in total: over either, a new connection is closed; everyone else carries on', async () => {
    const server = await ctx.server({ maxConnections: 6, maxConnectionsPerAddress: 3 })
    const held = [idle(server, '127.0.0.1'), idle(server, '127.0.0.1'), idle(server, '127.0.0.1')]
    await settle()
    // A fourth from the same address is closed as it opens…
    const fourth = idle(server, '127.0.0.1')
    await waitFor(() => fourth.closedByServer, 'the fourth connection from one address to be closed')
    expect(await answered(server, '127.0.0.1')).toBe('ECONNRESET')
    // …while another address is served, and the three held ones stay open.
    expect(await answered(server, '127.0.0.2')).toBe(200)
    expect(held.map((c) => c.closedByServer)).toEqual([false, false, false])
    await settle() // the answered request's connection is closed

    // The whole server: three more from a second address make six; a seventh from a third is dropped.
    const more = [idle(server, '127.0.0.2'), idle(server, '127.0.0.2'), idle(server, '127.0.0.2')]
    await settle()
    const seventh = idle(server, '127.0.0.3')
    await waitFor(() => seventh.closedByServer, 'a connection past the total to be closed')
    expect([...held, ...more].map((c) => c.closedByServer)).toEqual(Array(6).fill(false))

    // Closing one frees its place: the address is served again.
    held[0]!.socket.destroy()
    await settle()
    expect(await answered(server, '127.0.0.1')).toBe(200)

    const metrics = (await server.metrics.text()).body
    expect(metrics).toMatch(/loopboard_connections_refused_total\{reason="address",node="[^"]*"\} 2/)
    expect(metrics).toMatch(/loopboard_connections_refused_total\{reason="total",node="[^"]*"\} 1/)
  })

  it('behind a trusted proxy, every connection has its address: only the total applies', async () => {
    const server = await ctx.server({ maxConnections: 6, maxConnectionsPerAddress: 1, trustProxy: true })
    const held = [idle(server, '127.0.0.1'), idle(server, '127.0.0.1'), idle(server, '127.0.0.1')]
    await settle()
    expect(await answered(server, '127.0.0.1')).toBe(200)
    expect(held.map((c) => c.closedByServer)).toEqual([false, false, false])
  })
})
