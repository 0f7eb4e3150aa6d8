import { request } from 'node:http'
import { connect } from 'node:net'
import type { TestContext } from './helpers.ts'

/** A raw TCP connection to 127.0.0.1:`port` from `localAddress` that sends nothing (an idle or slow client). */
export function idleConnection(ctx: TestContext, port: number, localAddress: string) {
  const socket = connect({ host: '127.0.0.1', port, localAddress })
  const state = { closedByServer: false, socket }
  socket.on('error', () => {})
  socket.on('close', () => (state.closedByServer = true))
  ctx.onCleanup(() => void socket.destroy())
  return state
}

/** The status of GET /healthz over a new connection from `localAddress`, or the error code if it was refused. */
export function answeredFrom(port: number, localAddress: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/healthz', localAddress, agent: false }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message))
    req.end()
  })
}
