import type { Socket } from 'socket.io'

/**
 * How long a socket may stay over its limit before it counts as not reading. One turn of the event
 * loop can queue a burst for a socket that reads well (engine.io hands packets to the transport
 * only between turns); a reader takes it in this long, a socket that does not read never does.
 */
const SLOW_CONSUMER_GRACE_MS = 1_000

interface EnginePacket {
  data?: string | Uint8Array
}

/** The `ws` socket under an engine.io websocket transport (absent under long-polling). */
interface WsTransport {
  name: string
  socket?: { bufferedAmount?: number; terminate?: () => void }
}

/**
 * Close a socket.io connection that stays more than `maxBytes` behind: a client that never polls
 * (long-polling) or never reads its TCP socket (websocket) would otherwise make the server queue
 * every answer, broadcast and ack for it without end. What is queued is engine.io's write buffer
 * (packets not yet handed to the transport; emptied on each flush) plus, under websocket, what
 * `ws` holds for the kernel. String packets count one byte per character.
 */
export function limitSendBuffer(socket: Socket, maxBytes: number, onOver: (queuedBytes: number) => void): void {
  const conn = socket.conn
  let queued = 0
  let check: NodeJS.Timeout | null = null
  let closed = false
  const behind = () => {
    const transport = conn.transport as unknown as WsTransport
    return queued + (transport.name === 'websocket' ? (transport.socket?.bufferedAmount ?? 0) : 0)
  }
  conn.on('flush', () => (queued = 0))
  conn.on('close', () => {
    if (check) clearTimeout(check)
  })
  conn.on('packetCreate', (packet: EnginePacket) => {
    if (closed) return
    const { data } = packet
    queued += typeof data === 'string' ? data.length : (data?.byteLength ?? 0)
    if (check || behind() <= maxBytes) return
    check = setTimeout(() => {
      check = null
      const bytes = behind()
      if (bytes <= maxBytes) return
      closed = true
      onOver(bytes)
      const transport = conn.transport as unknown as WsTransport
      // Discard what is queued and close now: a graceful close would wait for the queue to drain.
      conn.close(true)
      setTimeout(() => transport.socket?.terminate?.(), SLOW_CONSUMER_GRACE_MS).unref()
    }, SLOW_CONSUMER_GRACE_MS)
    check.unref()
  })
}
