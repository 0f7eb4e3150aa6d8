import { ApiErrorCode } from '@loopboard/protocol'
import type { ConnectionState } from './roomStore.ts'

/** What socket.io hands a `connect_error` listener: transport failures carry no `data`. */
export interface ConnectError {
  message: string
  data?: { code?: unknown } | undefined
}

/**
 * A refused connection, in words for the participant; null when the link simply could not be
 * made (offline, server down: "xhr poll error", "websocket error", "timeout"), which the
 * connection banner already explains without transport jargon.
 */
export function describeConnectError(error: ConnectError): string | null {
  const code = error.data?.code
  if (typeof code !== 'string') return null
  switch (code) {
    case ApiErrorCode.Unauthorized:
    case ApiErrorCode.Forbidden:
      return 'This link no longer opens the room. Ask the interviewer for a fresh link.'
    case ApiErrorCode.NotFound:
      return 'This room no longer exists.'
    default:
      // The server's own message is written for people (e.g. "protocol 2 is not supported; reload the page").
      return error.message || 'The server refused the connection.'
  }
}

/** The banner for a connection state; null while connected or still connecting the first time. */
export function connectionBanner(state: ConnectionState): { title: string; detail: string } | null {
  if (state === 'offline')
    return {
      title: 'You are offline.',
      detail: 'Keep working: your board changes are saved in this browser and sync when the network is back.',
    }
  if (state === 'reconnecting')
    return {
      title: 'Reconnecting to the server…',
      detail: 'Keep working: your changes are kept and merge as soon as the link is back.',
    }
  return null
}
