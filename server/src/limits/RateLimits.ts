import type { IncomingMessage } from 'node:http'
import type { Config } from '../config.ts'
import { AddressLimiter, clientAddress } from './AddressLimiter.ts'

const MINUTE_MS = 60_000

/**
 * The per-address limits of the server: rooms created, and refused credentials on every entry
 * point (HTTP, the /yjs upgrade, the socket.io handshake). An address over the failure limit is
 * refused before its credential is even looked at, until the bucket refills.
 */
export class RateLimits {
  private rooms: AddressLimiter
  private authFailures: AddressLimiter
  private trustProxy: boolean

  constructor(config: Pick<Config, 'trustProxy' | 'rateRoomsPerMinute' | 'rateAuthFailuresPerMinute'>) {
    this.trustProxy = config.trustProxy
    this.rooms = new AddressLimiter({
      burst: config.rateRoomsPerMinute,
      refillMs: MINUTE_MS / config.rateRoomsPerMinute,
    })
    this.authFailures = new AddressLimiter({
      burst: config.rateAuthFailuresPerMinute,
      refillMs: MINUTE_MS / config.rateAuthFailuresPerMinute,
    })
  }

  /** Who is asking: see {@link clientAddress}. */
  addressOf(req: Pick<IncomingMessage, 'headers' | 'socket'>): string {
    return clientAddress(req.headers, req.socket?.remoteAddress, this.trustProxy)
  }

  /** 0 to go on, else ms until `address` may present a credential again. */
  authBlocked(address: string): number {
    return this.authFailures.check(address)
  }

  authFailed(address: string): void {
    this.authFailures.take(address)
  }

  /** 0 to create the room, else ms until `address` may create another. */
  createRoom(address: string): number {
    return this.rooms.take(address)
  }
}
