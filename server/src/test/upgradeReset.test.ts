import { connect } from 'node:net'
import { describe, expect, it } from 'vitest'
import { useTestContext } from './helpers.ts'
import { spawnServer } from './serverProcess.ts'

const ctx = useTestContext()

/** An upgrade request on a raw socket, reset (RST) as soon as it is written. */
function upgradeThenReset(port: number, path: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'
      )
      setImmediate(() => {
        socket.resetAndDestroy()
        resolve()
      })
    })
    socket.on('error', () => resolve())
  })
}

describe('a client that resets its connection during an upgrade', () => {
  // Found behind HAProxy, which resets a refused upgrade's connection: the relay process died of
  // an unhandled ECONNRESET on the upgrading socket.
  it('does not take the process down (refused /yjs upgrades, socket.io, unknown paths)', async () => {
    const proc = await spawnServer(ctx, ctx.tempDir())
    for (let i = 0; i < 300; i++) {
      const path = ['/yjs/no-such-room?token=x', '/socket.io/?EIO=4&transport=websocket', '/elsewhere'][i % 3]!
      await upgradeThenReset(proc.port, path)
    }
    expect((await fetch(`${proc.httpBase}/healthz`)).status).toBe(200)
    expect(proc.child.exitCode, proc.output()).toBeNull()
  }, 60_000)
})
