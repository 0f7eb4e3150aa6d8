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

/**
 * The banner for a connection state; null while connected or still connecting the first time.
 * `notSaving`: the board's edits have not reached the server for a while (or it refused the room
 * as unavailable); said plainly, unless the browser is offline, which explains it already.
 */
export function connectionBanner(state: ConnectionState, notSaving = false): { title: string; detail: string } | null {
  if (notSaving && state !== 'offline')
    return {
      title: 'Your edits are not being saved.',
      detail:
        'The server cannot store this room right now. Keep working: your changes are kept in this browser and saved as soon as the server is back.',
    }
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
