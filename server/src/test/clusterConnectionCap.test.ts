import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clusterUnavailable, startCluster, type Cluster } from './clusterFixture.ts'
import { TestContext, waitFor } from './helpers.ts'
import { answeredFrom, idleConnection } from './rawConnections.ts'

// Behind HAProxy every relay sees one address for all clients (TRUST_PROXY) and applies only its
// total connection budget: one client's share is counted by HAProxy, with the template `npm run
// cluster` uses.
const unavailable = clusterUnavailable()
const settle = () => new Promise((resolve) => setTimeout(resolve, 300))

describe.skipIf(unavailable)('HAProxy in front of the relays', () => {
  const ctx = new TestContext()
  let cluster: Cluster
  beforeAll(async () => {
    cluster = await startCluster(ctx, { relays: 1, maxConnectionsPerSource: 3 })
  }, 180_000)
  afterAll(() => ctx.cleanup(), 60_000)

  it('refuses a client address’s connections past its cap; other addresses carry on', async () => {
    const port = Number(new URL(cluster.url).port)
    const held = [1, 2, 3].map(() => idleConnection(ctx, port, '127.0.0.2'))
    await settle()
    // A fourth from that address is refused as it opens, and so is a request from it…
    const fourth = idleConnection(ctx, port, '127.0.0.2')
    await waitFor(() => fourth.closedByServer, 'HAProxy to refuse the fourth connection from one address')
    expect(await answeredFrom(port, '127.0.0.2')).toBe('ECONNRESET')
    // …while another address is served, and the three held connections stay open.
    expect(await answeredFrom(port, '127.0.0.3')).toBe(200)
    expect(held.map((c) => c.closedByServer)).toEqual([false, false, false])
    // Closing one frees its place.
    held[0]!.socket.destroy()
    await settle()
    expect(await answeredFrom(port, '127.0.0.2')).toBe(200)
  })
})
