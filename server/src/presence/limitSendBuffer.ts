import type { Socket } from 'socket.io'

/** A socket closed for not reading gets this long to take what is in flight before it is cut. */
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
 * Close a socket.io connection once more than `maxBytes` wait to be sent to it: a client that
 * never polls (long-polling) or never reads its TCP socket (websocket) would otherwise make the
 * server queue every answer, broadcast and ack for it without end. What is queued is engine.io's
 * write buffer (packets not yet handed to the transport; emptied on each flush) plus, under
 * websocket, what `ws` holds for the kernel. String packets count one byte per character.
 */
export function limitSendBuffer(socket: Socket, maxBytes: number, onOver: (queuedBytes: number) => void): void {
  const conn = socket.conn
  let queued = 0
  let over = false
  conn.on('flush', () => (queued = 0))
  conn.on('packetCreate', (packet: EnginePacket) => {
    if (over) return
    const { data } = packet
    queued += typeof data === 'string' ? data.length : (data?.byteLength ?? 0)
    const transport = conn.transport as unknown as WsTransport
    const inTransport = transport.name === 'websocket' ? (transport.socket?.bufferedAmount ?? 0) : 0
    if (queued + inTransport <= maxBytes) return
    over = true
    onOver(queued + inTransport)
    // Discard what is queued and close now: a graceful close would wait for the queue to drain.
    conn.close(true)
    setTimeout(() => transport.socket?.terminate?.(), SLOW_CONSUMER_GRACE_MS).unref()
  })
}
