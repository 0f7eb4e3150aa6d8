export function haproxyConfig(options: {
  /** `address:port` HAProxy listens on. */
  bind: string
  relays: Array<{ name: string; address: string }>
  /** Health-check interval (HAProxy time, e.g. `1s`); a relay is down after 2 failed checks. */
  checkInterval?: string
  /** Path of an admin stats socket (`show stat`), for tests that wait on a relay's state. */
  statsSocket?: string
  /** Add `X-Loopboard-Relay: <server name>` to every answer. */
  relayHeader?: boolean
  /** Open connections one client address (an IPv6 /64) may hold; more are refused at once. Default 256. */
  maxConnectionsPerSource?: number
}): string
