import { createAdapter } from '@socket.io/redis-streams-adapter'
import { Redis, type RedisOptions } from 'ioredis'
import type { Logger } from '../logger.ts'

/** Wait between reconnection attempts while Redis is unreachable. */
const RECONNECT_MS = 200
/** Longest blocking XREAD of the adapter's reader (also how long its reader may outlive a close). */
const READ_BLOCK_MS = 1_000
/** The adapter's stream (`XADD … MAXLEN ~`): broadcasts only, so a short history is plenty. */
const STREAM_MAX_LEN = 10_000
const STREAM_NAME = 'loopboard:socket.io'
const CHANNEL_PREFIX = 'loopboard:socket.io'

export interface SocketIoRedis {
  /** For `new Server(…, { adapter })`. */
  adapter: ReturnType<typeof createAdapter>
  /** Resolves when Redis answers (the readiness check). */
  ping(): Promise<void>
  /** Disconnect every connection the adapter opened. */
  close(): Promise<void>
}

/**
 * socket.io across relays: `@socket.io/redis-streams-adapter` on `ioredis`. Broadcasts (presence,
 * interview state, targeted emits to a socket id) go through one Redis stream; server-side
 * messages through Redis pub/sub. Connection-state recovery is not enabled: its session lives on
 * the node that died, so every (re)connect is answered with full state instead.
 *
 * The publishing connection does not queue commands while Redis is down: the adapter awaits each
 * publish before delivering to this relay's own sockets, so a queued publish would hold local
 * delivery until Redis came back. The adapter's reader and subscriber (made with `duplicate()`)
 * keep ioredis' queue, so a blocked read waits for the reconnection instead of spinning.
 */
export async function connectSocketIoRedis(url: string, nodeId: string, logger: Logger): Promise<SocketIoRedis> {
  const common: RedisOptions = {
    retryStrategy: () => RECONNECT_MS,
    maxRetriesPerRequest: null,
    lazyConnect: true,
  }
  const clients: Redis[] = []
  const open = (name: string, options: RedisOptions) => {
    const client = new Redis(url, { ...common, ...options, connectionName: `loopboard:${nodeId}:sio-${name}` })
    client.on('error', (error: Error) => logger.debug('socket.io redis connection error', { client: name, error }))
    clients.push(client)
    return client
  }
  const publisher = open('pub', { enableOfflineQueue: false })
  // The adapter drops the promise of its pub/sub publishes (server-side emits): while Redis is
  // down each would be an unhandled rejection, which ends the process. Lost is what pub/sub
  // promises anyway; the presence directory catches up at the next heartbeat.
  const publish = publisher.publish.bind(publisher) as (channel: string, message: Buffer | string) => Promise<number>
  publisher.publish = ((channel: string, message: Buffer | string) =>
    publish(channel, message).catch((error: unknown) => {
      logger.debug('socket.io redis publish failed', { error })
      return 0
    })) as typeof publisher.publish
  let duplicates = 0
  // The adapter calls `duplicate()` for its reader and its subscriber and connects them (lazyConnect).
  publisher.duplicate = () => open(`read${++duplicates}`, { enableOfflineQueue: true })
  try {
    await publisher.connect()
  } catch (error) {
    publisher.disconnect()
    const where = new URL(url)
    where.password = ''
    throw new Error(`Redis at REDIS_URL (${where.host}) cannot be reached: ${(error as Error).message}`)
  }
  const adapter = createAdapter(publisher, {
    streamName: STREAM_NAME,
    channelPrefix: CHANNEL_PREFIX,
    maxLen: STREAM_MAX_LEN,
    blockTimeInMs: READ_BLOCK_MS,
  })
  return {
    adapter,
    ping: async () => {
      await publisher.ping()
    },
    close: async () => {
      // The publisher's last messages (leaves, the goodbye) go out before it closes.
      await publisher.quit().catch(() => publisher.disconnect())
      for (const client of clients) client.disconnect()
    },
  }
}
