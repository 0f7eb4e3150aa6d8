import type { Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createAdaptorServer } from '@hono/node-server'
import type { Config } from './config.ts'
import { attachAudioTimeline } from './audio/audioTimeline.ts'
import { attachP2PSignalling } from './audio/p2pSignalling.ts'
import { liveKitRoomHooks } from './audio/liveKitRoomHooks.ts'
import { limitConnections } from './limits/ConnectionBudget.ts'
import { createApp } from './http/createApp.ts'
import type { ReadinessCheck } from './http/opsRoutes.ts'
import { attachInterview } from './interview/interviewSocket.ts'
import { InterviewService } from './interview/InterviewService.ts'
import { createLogger, type Logger } from './logger.ts'
import { Metrics } from './metrics/Metrics.ts'
import { PresenceHub } from './presence/PresenceHub.ts'
import { connectSocketIoRedis } from './presence/socketIoRedis.ts'
import { RedisRoomBus } from './bus/RedisRoomBus.ts'
import { attachRecording } from './audioRecording/recordingSocket.ts'
import { RecordingService } from './audioRecording/RecordingService.ts'
import { RateLimits } from './limits/RateLimits.ts'
import { InterviewerKeys } from './rooms/InterviewerKeys.ts'
import { RoomLifecycle } from './rooms/RoomLifecycle.ts'
import { RoomService } from './rooms/RoomService.ts'
import type { AsyncStorage } from './storage/AsyncStorage.ts'
import { openBackend, RECORDINGS_DIR } from './storage/openBackend.ts'
import { DATABASE_FILE } from './storage/SqliteStorage.ts'
import { RoomFanout } from './sync/RoomFanout.ts'
import { SyncRelay } from './sync/SyncRelay.ts'

export interface LoopboardServer {
  /** Where a browser on this machine reaches the server. */
  url: string
  port: number
  httpServer: HttpServer
  /** Rooms, tokens and the board log, as the relay sees them. */
  storage: AsyncStorage
  rooms: RoomService
  /** Creates and deletes rooms, sweeps idle ones. */
  lifecycle: RoomLifecycle
  keys: InterviewerKeys
  interview: InterviewService
  relay: SyncRelay
  presence: PresenceHub
  recordings: RecordingService
  logger: Logger
  metrics: Metrics
  /** Snapshot rooms, close every socket, stop listening, close storage. */
  close(): Promise<void>
}

export { DATABASE_FILE, RECORDINGS_DIR }

const SOCKET_IO_PATH = '/socket.io/'
/** How long an open HTTP request may keep the server from stopping. */
const HTTP_SHUTDOWN_GRACE_MS = 2_000

/** Start one process that serves the client, the API, /yjs and socket.io from one origin. */
export async function startServer(
  config: Config,
  logger: Logger = createLogger(config.logLevel, { format: config.logFormat, nodeId: config.nodeId })
): Promise<LoopboardServer> {
  const metrics = new Metrics(config.nodeId)
  let draining = false
  // Redis first: a relay that cannot reach it stops at once, naming REDIS_URL.
  const socketIoRedis = config.redisUrl ? await connectSocketIoRedis(config.redisUrl, config.nodeId, logger) : null
  // Postgres when DATABASE_URL is set (migrated on start), the embedded SQLite otherwise.
  const backend = await openBackend(config, logger, metrics)
  const { storage } = backend
  const rooms = new RoomService(storage)
  const lifecycle = new RoomLifecycle({
    rooms,
    storage,
    logger,
    retentionDays: config.retentionDays,
    // On Postgres, one relay of the cluster sweeps at a time.
    runOnce: backend.runOnce,
  })
  const interviewStore = backend.interview
  const interview = new InterviewService({ store: interviewStore, rooms, logger, soleWriter: backend.soleWriter })
  const recordings = new RecordingService({
    store: backend.recordings,
    storage,
    events: interviewStore,
    interview,
    maxBytesPerRoom: config.maxAudioBytesPerRoom,
  })
  const keys = new InterviewerKeys(backend.keys)
  const limits = new RateLimits(config)
  // The board and awareness across relays: committed updates and cursors over one Redis stream
  // per room, gaps read back from storage.
  const fanout = config.redisUrl
    ? new RoomFanout({
        bus: await RedisRoomBus.connect({ url: config.redisUrl, nodeId: config.nodeId, logger }),
        storage,
        logger,
        metrics,
      })
    : null
  const readiness: ReadinessCheck[] = [
    { name: backend.kind === 'postgres' ? 'postgres' : 'storage', check: () => backend.ping() },
    // Without Redis a relay still serves the rooms hashed to it: the proxy keeps routing to it.
    ...(socketIoRedis ? [{ name: 'redis', check: () => socketIoRedis.ping(), routing: false }] : []),
  ]
  const app = createApp({
    config,
    rooms,
    keys,
    limits,
    lifecycle,
    interview,
    storage,
    logger,
    recordings,
    ops: {
      metrics,
      metricsToken: config.metricsToken,
      readiness,
      draining: () => draining,
    },
  })
  const httpServer = createAdaptorServer({ fetch: app.fetch }) as HttpServer
  limitConnections(httpServer, {
    maxConnections: config.maxConnections,
    // Behind a proxy every connection comes from the proxy: its own limits apply (HAProxy's maxconn).
    maxPerAddress: config.trustProxy ? null : config.maxConnectionsPerAddress,
    logger,
    onRefused: (reason) => metrics.connectionRefused(reason),
  })
  const relay = new SyncRelay({
    config,
    storage,
    rooms,
    logger,
    metrics,
    limits,
    ...(backend.commitUpdatesNow ? { commitUpdatesNow: backend.commitUpdatesNow } : {}),
    ...(fanout ? { fanout } : {}),
  })
  httpServer.on('upgrade', (req, socket, head) => {
    // Node leaves an upgrading socket without an 'error' listener: a client that resets the
    // connection while its upgrade is answered (refused, or before ws takes it over) would
    // otherwise crash the process.
    socket.on('error', (error) => logger.debug('upgrade socket error', { error }))
    if (relay.handleUpgrade(req, socket, head)) return
    // socket.io answers its own path; nobody answers anything else.
    if (!req.url?.startsWith(SOCKET_IO_PATH)) socket.destroy()
  })
  const presence = new PresenceHub(httpServer, {
    rooms,
    logger,
    maxParticipants: config.maxRoomParticipants,
    maxSendBufferBytes: config.maxSendBufferBytes,
    limits,
    commandsPerSecond: config.rateSocketCommandsPerSecond,
    ...(socketIoRedis ? { cluster: { redis: socketIoRedis, nodeId: config.nodeId } } : {}),
  })
  if (socketIoRedis) {
    readiness.push({
      name: 'presence',
      check: () => {
        if (!presence.directory.synced()) throw new Error('the other relays have not all been heard from yet')
      },
    })
  }
  attachInterview(presence, interview, logger)
  attachP2PSignalling(presence, logger)
  attachAudioTimeline(presence, interview, logger)
  attachRecording(presence, recordings, logger)
  metrics.observe({
    loadedRooms: () => relay.activeRooms,
    yjsSockets: () => relay.openSockets,
    socketIoSockets: () => presence.io.engine.clientsCount,
  })
  // A deleted room's live connections go first (/yjs closes with 4404, socket.io disconnects),
  // then its rows, then what is kept for it in memory and on disk.
  lifecycle.register({
    name: 'relay',
    closeConnections: (roomId) => relay.dropRoom(roomId),
    linkReplaced: (roomId) => relay.reauthenticateRoom(roomId),
  })
  lifecycle.register({
    name: 'presence',
    // On every relay.
    closeConnections: (roomId) => presence.disconnectRoom(roomId),
    // socket.io sockets know their seat: only the replaced link's are closed.
    linkReplaced: (roomId, seat) => presence.disconnectRoom(roomId, seat),
    isLive: (roomId) => presence.members(roomId).length > 0,
  })
  lifecycle.register({ name: 'interview', release: (roomId) => interview.forget(roomId) })
  lifecycle.register(recordings.roomHooks)
  // LiveKit keeps a connected participant however old its token: it must be told.
  if (config.livekit) lifecycle.register(liveKitRoomHooks(config.livekit, logger))
  await lifecycle.startRetention()

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject)
    httpServer.listen(config.port, config.host, () => {
      httpServer.off('error', reject)
      resolve()
    })
  }).catch(async (error: unknown) => {
    // Not listening (port in use): give the data directory back before reporting it.
    await backend.close().catch(() => {})
    throw error
  })
  const { port } = httpServer.address() as AddressInfo
  const localHost = ['0.0.0.0', '::', '127.0.0.1', '::1'].includes(config.host) ? 'localhost' : config.host
  const url = config.publicUrl ?? `http://${localHost}:${port}`

  let closing: Promise<void> | null = null
  const close = () =>
    (closing ??= (async () => {
      draining = true
      // Stop accepting connections first: clients closed below reconnect at once, and must not
      // find a half-closed server that takes them in again.
      httpServer.close()
      await lifecycle.close()
      await recordings.close()
      await relay.close()
      await fanout?.close()
      // Idle keep-alive connections go now; a request still open (a slow or half-open client)
      // gets a grace period, then is cut, so shutdown never waits on a client.
      httpServer.closeIdleConnections()
      const cut = setTimeout(() => httpServer.closeAllConnections(), HTTP_SHUTDOWN_GRACE_MS)
      await presence.close()
      clearTimeout(cut)
      httpServer.closeAllConnections()
      await backend.close()
    })())

  return {
    url,
    port,
    httpServer,
    storage,
    rooms,
    keys,
    lifecycle,
    interview,
    relay,
    presence,
    recordings,
    logger,
    metrics,
    close,
  }
}
