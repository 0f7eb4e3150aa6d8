import type { Server } from 'node:net'
import type { Logger } from '../logger.ts'
import { addressKey } from './AddressLimiter.ts'
import { LogThrottle } from './LogThrottle.ts'

export type ConnectionRefusal = 'total' | 'address'

export interface ConnectionBudgetOptions {
  /** Open TCP connections the server holds at most (HTTP, `/yjs` and socket.io alike). */
  maxConnections: number
  /** Open TCP connections one peer address (an IPv6 /64: `addressKey`) may hold; null when every connection comes from a proxy. */
  maxPerAddress: number | null
  logger: Logger
  /** Told of each connection closed at once for being over a budget. */
  onRefused?: (reason: ConnectionRefusal) => void
}

/**
 * The server's budget of open connections, counted before a byte of them is read: every open
 * connection holds a file descriptor and buffers until it closes or times out, so without a cap
 * one peer opening thousands (idle, or sending headers slowly) could use up the descriptors and
 * lock everyone else out. Over the total (`server.maxConnections`, Node drops the connection) or
 * over its address's share, a connection is closed at once; the others are untouched. Behind a
 * proxy every connection has the proxy's address, so the per-address share is left to the proxy.
 * Refusals are logged at most once per 10 s per reason, with a count.
 */
export function limitConnections(server: Server, options: ConnectionBudgetOptions): void {
  const { maxPerAddress, onRefused } = options
  const total = new LogThrottle(options.logger, 'connection refused: the server holds its most open connections')
  const perAddress = new LogThrottle(options.logger, 'connection refused: that address holds its most open connections')
  const TOTAL = {}
  const PER_ADDRESS = {}
  server.maxConnections = options.maxConnections
  server.on('drop', (dropped) => {
    onRefused?.('total')
    total.refused(TOTAL, { address: dropped?.remoteAddress, max: options.maxConnections })
  })

  if (maxPerAddress === null) return
  /** Open connections per peer address: at most one entry per open connection. */
  const open = new Map<string, number>()
  server.on('connection', (socket) => {
    const address = addressKey(socket.remoteAddress ?? 'unknown')
    const count = (open.get(address) ?? 0) + 1
    if (count > maxPerAddress) {
      socket.destroy()
      onRefused?.('address')
      perAddress.refused(PER_ADDRESS, { address, max: maxPerAddress })
      return
    }
    open.set(address, count)
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1
      if (left > 0) open.set(address, left)
      else open.delete(address)
    })
  })
}
