import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { CloseCode } from '@loopboard/protocol'
import { WebSocket, WebSocketServer, type RawData } from 'ws'
import type { Config } from '../config.ts'
import type { Logger } from '../logger.ts'
import type { CommitMetrics } from '../metrics/Metrics.ts'
import { retryAfterSeconds } from '../limits/AddressLimiter.ts'
import type { RateLimits } from '../limits/RateLimits.ts'
import { participantIdFor } from '../rooms/participantId.ts'
import type { RoomService } from '../rooms/RoomService.ts'
import type { AsyncStorage } from '../storage/AsyncStorage.ts'
import type { Storage } from '../storage/Storage.ts'
import { FrameQueue } from './FrameQueue.ts'
import { RoomNotice, type RoomFanout } from './RoomFanout.ts'
import { RoomLoadError, RoomStateError, SyncRoom, type RoomLimits, type SyncConnection } from './SyncRoom.ts'
import { SnapshotPacer } from './SnapshotPacer.ts'
import { UpdateBatcher } from './UpdateBatcher.ts'
import { BudgetExceededError, MalformedMessageError, RateLimitedError } from './syncErrors.ts'

/** Path prefix of the Yjs endpoint: `/yjs/<roomId>?token=…`. */
export const YJS_PATH = '/yjs'
/** Unanswered pings before a socket is dropped. */
const PING_INTERVAL_MS = 30_000
/** Close reasons are limited to 123 bytes by RFC 6455. */
const MAX_CLOSE_REASON_BYTES = 123
/** Internal error while handling a frame (RFC 6455). */
const CLOSE_INTERNAL_ERROR = 1011
/** A room that failed to load is refused this long before loading it is tried again. */
const UNAVAILABLE_RETRY_MS = 60_000
/** A socket the relay closes gets this long to take its close frame before it is cut. */
const CLOSED_SOCKET_GRACE_MS = 1_000
/** At shutdown, sockets that have not finished the close handshake by then are cut. */
const SHUTDOWN_GRACE_MS = 2_000

const ROOM_PATH = /^\/yjs\/([A-Za-z0-9_-]{1,64})$/

export interface SyncRelayOptions {
  config: Pick<
    Config,
    | 'maxFrameBytes'
    | 'snapshotEveryUpdates'
    | 'roomIdleUnloadMs'
    | 'roomSleepAfterMs'
    | 'maxUpdateStructs'
    | 'maxNestingDepth'
    | 'maxPendingStructsPerSocket'
    | 'maxPendingStructsPerRoom'
    | 'maxSendBufferBytes'
    | 'maxAwarenessStateBytes'
    | 'maxRoomParticipants'
  >
  storage: Pick<AsyncStorage, 'loadRoomState' | 'saveSnapshot' | 'commitUpdates'>
  /**
   * The embedded storage's synchronous commit (a journal append): with it, each frame's updates
   * are committed and broadcast in the frame's own handler instead of once per event-loop turn.
   */
  commitUpdatesNow?: Storage['commitUpdates']
  rooms: RoomService
  logger: Logger
  /** Board and awareness across relays (REDIS_URL); none: this relay is alone. */
  fanout?: RoomFanout
  /** Per-address limit on refused tokens (none in tests that build a relay alone). */
  limits?: RateLimits
  /** Told of every commit of board updates (count, latency, failures). */
  metrics?: CommitMetrics
}

function truncateReason(reason: string): string {
  const bytes = Buffer.from(reason)
  return bytes.byteLength <= MAX_CLOSE_REASON_BYTES
    ? reason
    : bytes.subarray(0, MAX_CLOSE_REASON_BYTES - 3).toString() + '...'
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data))
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}

/** Answer an upgrade request with an HTTP error instead of a WebSocket. */
function rejectUpgrade(socket: Duplex, status: number, code: string, message: string, extraHeaders = '') {
  const body = JSON.stringify({ error: { code, message } })
  const text =
    {
      400: 'Bad Request',
      401: 'Unauthorized',
      403: 'Forbidden',
      404: 'Not Found',
      429: 'Too Many Requests',
      503: 'Service Unavailable',
    }[status] ?? 'Error'
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extraHeaders}Connection: close\r\n\r\n${body}`
  )
}

/**
 * The y-websocket endpoint: authenticates upgrades, keeps one {@link SyncRoom} per active
 * room, enforces the frame limit and closes only the offending socket on bad input.
 */
export class SyncRelay {
  private wss: WebSocketServer
  private rooms = new Map<string, SyncRoom>()
  /** Rooms being loaded from storage; every socket of the room waits on the same load. */
  private loading = new Map<string, Promise<SyncRoom | null>>()
  /** Sockets accepted while their room loads, with their room and how to close them. */
  private waiting = new Map<WebSocket, { roomId: string; close: (code: number, reason: string) => void }>()
  /** How many of {@link waiting} each room has: they count against its participant limit. */
  private waitingPerRoom = new Map<string, number>()
  private unloadTimers = new Map<string, NodeJS.Timeout>()
  private options: SyncRelayOptions
  private nextConnectionId = 1
  /** Whether each socket answered the last ping. */
  private alive = new WeakMap<WebSocket, boolean>()
  private pinger: NodeJS.Timeout
  /** Puts rooms without board traffic to sleep (see SyncRoom.sleepIfIdle). */
  private sleeper: NodeJS.Timeout | null = null
  private batcher: UpdateBatcher
  /** Rooms' threshold snapshots, one per event-loop turn. */
  private snapshots = new SnapshotPacer()
  /** Rooms whose stored state failed to load, with when to try again. */
  private unavailable = new Map<string, number>()
  private limits: RoomLimits
  /** Set once shutdown starts: frames from then on are not applied (their senders get 1012). */
  private closing = false

  constructor(options: SyncRelayOptions) {
    this.options = options
    // A little slack above the limit so an oversized frame reaches our own check, which
    // closes with a reason; far larger frames are cut off by ws itself (also 1009).
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.config.maxFrameBytes + 64 * 1024 })
    this.pinger = setInterval(() => this.ping(), PING_INTERVAL_MS).unref()
    const sleepAfter = options.config.roomSleepAfterMs
    if (sleepAfter > 0) {
      // Checked at a quarter of the idle time: a room sleeps between 1x and 1.25x of it.
      this.sleeper = setInterval(() => this.sleepIdleRooms(sleepAfter), Math.max(250, sleepAfter / 4)).unref()
    }
    this.batcher = new UpdateBatcher(options.storage, options.metrics, options.commitUpdatesNow)
    // What another relay did to a room this one holds sockets of.
    options.fanout?.onNotice((roomId, notice) => {
      if (notice === RoomNotice.Deleted) this.dropLocal(roomId)
      else this.closeForReauthentication(roomId)
    })
    const { config } = options
    this.limits = {
      maxStructs: config.maxUpdateStructs,
      maxDepth: config.maxNestingDepth,
      maxPendingStructsPerConnection: config.maxPendingStructsPerSocket,
      maxPendingStructsPerRoom: config.maxPendingStructsPerRoom,
      maxAwarenessStateBytes: config.maxAwarenessStateBytes,
    }
  }

  /** Number of rooms held in memory. */
  get activeRooms(): number {
    return this.rooms.size
  }

  /** Open /yjs WebSockets, all rooms together. */
  get openSockets(): number {
    return this.wss.clients.size
  }

  /** A room held in memory now (tests and tools); throws if it is not loaded. */
  room(roomId: string): SyncRoom {
    const room = this.rooms.get(roomId)
    if (!room) throw new Error(`room ${roomId} is not loaded`)
    return room
  }

  /** The live room, loading it from storage first if needed; rejects if it cannot be loaded. */
  async openRoom(roomId: string): Promise<SyncRoom> {
    const room = await this.loadRoom(roomId)
    if (!room) throw new Error(`room ${roomId} is unavailable: its stored state could not be loaded`)
    return room
  }

  /**
   * The live room, or `null` when its stored state cannot be loaded (corrupt data: the room is
   * then unavailable for a while; storage unreachable: this attempt fails). Other rooms carry on.
   */
  private loadRoom(roomId: string): Promise<SyncRoom | null> {
    const live = this.rooms.get(roomId)
    if (live) {
      const timer = this.unloadTimers.get(roomId)
      if (timer) {
        clearTimeout(timer)
        this.unloadTimers.delete(roomId)
      }
      return Promise.resolve(live)
    }
    let loading = this.loading.get(roomId)
    if (!loading) {
      loading = this.load(roomId).finally(() => this.loading.delete(roomId))
      this.loading.set(roomId, loading)
    }
    return loading
  }

  private async load(roomId: string): Promise<SyncRoom | null> {
    const retryAt = this.unavailable.get(roomId)
    if (retryAt !== undefined && Date.now() < retryAt) return null
    const { storage, logger, config } = this.options
    let room: SyncRoom
    try {
      room = await SyncRoom.load({
        roomId,
        storage,
        logger,
        snapshotEveryUpdates: config.snapshotEveryUpdates,
        batcher: this.batcher,
        snapshots: this.snapshots,
        limits: this.limits,
        maxQueuedBytesPerConnection: this.maxQueuedBytes,
        onStorageFailure: (error) => {
          logger.error('could not store updates; reloading room', { room: roomId, error })
          this.evict(roomId, 'room reloading')
        },
        onFrameError: (conn, error) => this.onFrameError(roomId, room, conn, error),
      })
    } catch (error) {
      if (error instanceof RoomLoadError) {
        logger.error('room could not be loaded; refusing its connections, stored history kept', {
          room: roomId,
          seq: error.seq,
          error: error.cause,
        })
        this.unavailable.set(roomId, Date.now() + UNAVAILABLE_RETRY_MS)
      } else {
        logger.error('could not read the room from storage; refusing its connections for now', { room: roomId, error })
      }
      return null
    }
    if (this.closing) {
      room.destroy(CloseCode.ServiceRestart, 'server restarting; reconnect')
      return null
    }
    this.unavailable.delete(roomId)
    this.rooms.set(roomId, room)
    this.options.fanout?.attach(room)
    return room
  }

  /** Bytes of frames one socket may send before its room can take them. */
  private get maxQueuedBytes(): number {
    return 2 * this.options.config.maxFrameBytes
  }

  /** Handles `req` if it is for /yjs; returns false to let another handler take it. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    try {
      return this.upgrade(req, socket, head)
    } catch (error) {
      // Nothing on this path may throw out of the event loop.
      this.failUpgrade(req, socket, error)
      return true
    }
  }

  private failUpgrade(req: IncomingMessage, socket: Duplex, error: unknown) {
    this.options.logger.error('upgrade failed', { url: req.url, error })
    socket.destroy()
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname !== YJS_PATH && !url.pathname.startsWith(`${YJS_PATH}/`)) return false
    if (this.closing) {
      rejectUpgrade(socket, 503, 'unavailable', 'The server is restarting; reconnect shortly.')
      return true
    }
    const match = ROOM_PATH.exec(url.pathname)
    if (!match) {
      rejectUpgrade(socket, 404, 'not_found', 'Expected /yjs/<roomId>.')
      return true
    }
    const roomId = match[1]!
    const rate = this.options.limits
    const address = rate?.addressOf(req)
    const wait = address ? rate!.authBlocked(address) : 0
    if (wait) {
      const seconds = retryAfterSeconds(wait)
      const message = `Too many refused credentials from this address. Try again in ${seconds} s.`
      rejectUpgrade(socket, 429, 'too_many_requests', message, `Retry-After: ${seconds}\r\n`)
      return true
    }
    // The raw socket may fail while the token is checked; nobody else listens for that yet.
    const onSocketError = () => socket.destroy()
    socket.on('error', onSocketError)
    void this.authenticate(roomId, url, address)
      .then((auth) => {
        socket.off('error', onSocketError)
        if (socket.destroyed) return
        if (!auth.ok) {
          rejectUpgrade(socket, auth.status, auth.code, auth.message)
          return
        }
        if (this.closing) {
          rejectUpgrade(socket, 503, 'unavailable', 'The server is restarting; reconnect shortly.')
          return
        }
        this.wss.handleUpgrade(req, socket, head, (ws) => {
          try {
            this.attach(ws, roomId, auth.role, participantIdFor(roomId, auth.seat, url.searchParams.get('tab')))
          } catch (error) {
            this.options.logger.error('could not attach socket', { room: roomId, error })
            ws.close(CLOSE_INTERNAL_ERROR, 'internal error')
          }
        })
      })
      .catch((error: unknown) => {
        socket.off('error', onSocketError)
        this.failUpgrade(req, socket, error)
      })
    return true
  }

  /** The seat the upgrade's token opens; a refused token counts against the address. */
  private async authenticate(roomId: string, url: URL, address: string | undefined) {
    let auth: Awaited<ReturnType<RoomService['authenticate']>>
    try {
      auth = await this.options.rooms.authenticate(roomId, url.searchParams.get('token'))
    } catch (error) {
      this.options.logger.error('could not check a /yjs token: storage unreachable', { room: roomId, error })
      return {
        ok: false as const,
        status: 503 as const,
        code: 'unavailable',
        message: 'The server cannot reach its storage; try again shortly.',
      }
    }
    if (!auth.ok && address) this.options.limits?.authFailed(address)
    return auth
  }

  private attach(ws: WebSocket, roomId: string, role: SyncConnection['role'], participantId: string) {
    const { logger, config } = this.options
    ws.on('error', (error) => logger.warn('socket error', { room: roomId, role, error }))
    /** Set once the room is loaded and the socket has joined it. */
    let room: SyncRoom | null = null
    /** Frames that arrive while the room loads, handled in order once it has. */
    const early = new FrameQueue<WebSocket>(this.maxQueuedBytes)
    let closedByServer = false
    const conn: SyncConnection = {
      id: this.nextConnectionId++,
      role,
      participantId,
      send: (frame) => {
        if (ws.readyState !== WebSocket.OPEN) return
        // A socket that does not read would make us queue every answer and broadcast for it.
        // One frame larger than the limit may go out on an empty queue (a big board's sync step 2).
        if (ws.bufferedAmount > 0 && ws.bufferedAmount + frame.byteLength > config.maxSendBufferBytes) {
          logger.warn('closing a socket that does not read', { room: roomId, role, buffered: ws.bufferedAmount })
          conn.close(
            CloseCode.SlowConsumer,
            `send buffer over ${config.maxSendBufferBytes} bytes: the connection is not reading`
          )
          return
        }
        ws.send(frame)
      },
      close: (code, reason) => {
        // A socket we close is done: its further frames are dropped unread, and if it does not
        // answer the close handshake promptly it is cut (a flooder would otherwise keep us parsing).
        closedByServer = true
        this.stopWaiting(ws)
        ws.close(code, truncateReason(reason))
        setTimeout(() => ws.terminate(), CLOSED_SOCKET_GRACE_MS).unref()
      },
    }
    const receive = (frame: Uint8Array) => {
      try {
        room!.receive(conn, frame)
      } catch (error) {
        this.onFrameError(roomId, room!, conn, error)
      }
    }
    this.alive.set(ws, true)
    ws.on('pong', () => this.alive.set(ws, true))
    ws.on('message', (data, isBinary) => {
      // Shutting down: everything applied so far is committed; this frame is not applied, and its
      // sender sees the 1012 close and sends it again from its own doc when it reconnects.
      if (this.closing || closedByServer) return
      if (!isBinary) {
        conn.close(CloseCode.UnsupportedData, 'text frames are not supported: y-websocket messages are binary')
        return
      }
      const frame = toBytes(data)
      if (frame.byteLength > config.maxFrameBytes) {
        conn.close(
          CloseCode.MessageTooBig,
          `frame of ${frame.byteLength} bytes exceeds the limit of ${config.maxFrameBytes}`
        )
        return
      }
      if (room) return receive(frame)
      try {
        early.push(ws, frame)
      } catch (error) {
        logger.warn('closing socket over budget while its room loads', { room: roomId, role })
        conn.close(CloseCode.OverBudget, (error as Error).message)
      }
    })
    ws.on('close', () => {
      this.stopWaiting(ws)
      if (!room) return
      try {
        room.leave(conn)
        if (room.size === 0 && this.rooms.get(roomId) === room) this.scheduleUnload(roomId)
      } catch (error) {
        logger.error('error while a socket left', { room: roomId, error })
      }
    })
    // Accepted at once; the room loads meanwhile (a browser cannot read why an upgrade was
    // refused, so a room that cannot load is told with a close code).
    // Sockets waiting for the load count against the room's limit too: otherwise any number of
    // them could each queue frames while a slow load runs.
    const present = (this.rooms.get(roomId)?.size ?? 0) + (this.waitingPerRoom.get(roomId) ?? 0)
    if (present >= config.maxRoomParticipants) {
      conn.close(CloseCode.RoomFull, `this room is full (${config.maxRoomParticipants} participants); try again later`)
      return
    }
    this.waiting.set(ws, { roomId, close: conn.close })
    this.waitingPerRoom.set(roomId, (this.waitingPerRoom.get(roomId) ?? 0) + 1)
    void this.loadRoom(roomId)
      .then((loaded) => {
        this.stopWaiting(ws)
        if (closedByServer || ws.readyState !== WebSocket.OPEN) {
          if (loaded && loaded.size === 0 && this.rooms.get(roomId) === loaded) this.scheduleUnload(roomId)
          return
        }
        if (!loaded) {
          conn.close(
            CloseCode.RoomUnavailable,
            'this room could not be loaded; its history is kept for repair. Try again later.'
          )
          return
        }
        if (loaded.size >= config.maxRoomParticipants) {
          conn.close(
            CloseCode.RoomFull,
            `this room is full (${config.maxRoomParticipants} participants); try again later`
          )
          if (loaded.size === 0) this.scheduleUnload(roomId)
          return
        }
        room = loaded
        loaded.join(conn)
        for (let next = early.shift(); next && !closedByServer && !this.closing; next = early.shift()) {
          receive(next.frame)
        }
      })
      .catch((error: unknown) => {
        logger.error('could not attach socket', { room: roomId, error })
        conn.close(CLOSE_INTERNAL_ERROR, 'internal error')
      })
  }

  private stopWaiting(ws: WebSocket): void {
    const entry = this.waiting.get(ws)
    if (!entry) return
    this.waiting.delete(ws)
    const left = (this.waitingPerRoom.get(entry.roomId) ?? 1) - 1
    if (left > 0) this.waitingPerRoom.set(entry.roomId, left)
    else this.waitingPerRoom.delete(entry.roomId)
  }

  /** Close the sender for its own bad frame; drop the room if its memory can no longer be trusted. */
  private onFrameError(roomId: string, room: SyncRoom, conn: SyncConnection, error: unknown) {
    const { logger } = this.options
    try {
      if (error instanceof MalformedMessageError) {
        logger.warn('closing socket after malformed frame', { room: roomId, role: conn.role, reason: error.message })
        conn.close(CloseCode.MalformedMessage, `malformed message: ${error.message}`)
      } else if (error instanceof BudgetExceededError) {
        logger.warn('closing socket over budget', { room: roomId, role: conn.role, reason: error.message })
        conn.close(CloseCode.OverBudget, error.message)
      } else if (error instanceof RateLimitedError) {
        logger.warn('closing socket over its request rate', { room: roomId, role: conn.role })
        conn.close(CloseCode.RateLimited, error.message)
      } else if (this.rooms.get(roomId) === room) {
        logger.error('room state diverged from storage; reloading room', { room: roomId, error })
        this.evict(roomId, error instanceof RoomStateError ? 'room reloading' : 'internal error')
      } else {
        conn.close(CLOSE_INTERNAL_ERROR, 'internal error')
      }
    } catch (inner) {
      logger.error('could not handle a frame error', { room: roomId, error: inner })
    }
  }

  private sleepIdleRooms(idleMs: number) {
    for (const [roomId, room] of this.rooms) {
      try {
        room.sleepIfIdle(idleMs)
      } catch (error) {
        this.options.logger.error('could not put an idle room to sleep', { room: roomId, error })
      }
    }
  }

  private scheduleUnload(roomId: string) {
    const timer = setTimeout(() => {
      this.unloadTimers.delete(roomId)
      const room = this.rooms.get(roomId)
      if (!room || room.size > 0) return
      this.rooms.delete(roomId)
      void this.unload(roomId, room)
    }, this.options.config.roomIdleUnloadMs)
    timer.unref()
    this.unloadTimers.set(roomId, timer)
  }

  /** Snapshot a room nobody is in any more (after its last commits), then free it. */
  private async unload(roomId: string, room: SyncRoom): Promise<void> {
    try {
      // Its last commits still go out to the other relays.
      await room.committed()
      this.options.fanout?.detach(room)
      await room.snapshot()
    } catch (error) {
      this.options.logger.error('could not snapshot an unloaded room; its log is complete', { room: roomId, error })
    }
    try {
      room.destroy(CloseCode.GoingAway, 'room unloaded')
    } catch (error) {
      this.options.logger.error('could not unload room cleanly', { room: roomId, error })
    }
  }

  /** Drop a room whose memory can no longer be trusted; clients reconnect and it reloads from storage. */
  private evict(roomId: string, reason: string) {
    const room = this.rooms.get(roomId)
    if (!room) return
    this.rooms.delete(roomId)
    this.options.fanout?.detach(room)
    try {
      room.destroy(CLOSE_INTERNAL_ERROR, reason)
    } catch (error) {
      this.options.logger.error('could not close evicted room', { room: roomId, error })
    }
  }

  /** The room was deleted: close its sockets with 4404 and forget it, without a snapshot. */
  /**
   * A link of the room was replaced: every /yjs socket of the room closes with 1001 and
   * reconnects, authenticating afresh — the replaced token is refused at the upgrade, the
   * others are back within a moment. (Sockets do not record which link opened them.)
   */
  reauthenticateRoom(roomId: string): void {
    this.closeForReauthentication(roomId)
    this.options.fanout?.announce(roomId, RoomNotice.Reauthenticate)
  }

  private closeForReauthentication(roomId: string): void {
    this.rooms.get(roomId)?.closeConnections(CloseCode.GoingAway, 'a link of this room was replaced')
  }

  async dropRoom(roomId: string): Promise<void> {
    // Commit what is queued first, so the room's rows are all there to be deleted with it.
    await this.batcher.flush()
    this.dropLocal(roomId)
    // The other relays close theirs too.
    this.options.fanout?.announce(roomId, RoomNotice.Deleted)
  }

  private dropLocal(roomId: string): void {
    const timer = this.unloadTimers.get(roomId)
    if (timer) {
      clearTimeout(timer)
      this.unloadTimers.delete(roomId)
    }
    const room = this.rooms.get(roomId)
    if (!room) return
    this.rooms.delete(roomId)
    this.options.fanout?.detach(room)
    room.destroy(CloseCode.RoomGone, 'room deleted')
  }

  private ping() {
    for (const ws of this.wss.clients) {
      if (this.alive.get(ws) === false) {
        ws.terminate()
        continue
      }
      this.alive.set(ws, false)
      ws.ping()
    }
  }

  /**
   * Stop taking frames, commit everything applied, snapshot every room, then close every socket
   * with 1012 (restart) — in that order, so nothing a client was told about is lost and every
   * sender whose frame was not applied learns it from the close. Resolves once every socket is
   * gone; sockets that do not finish the close handshake are cut after a grace period.
   */
  async close(): Promise<void> {
    this.closing = true
    clearInterval(this.pinger)
    if (this.sleeper) clearInterval(this.sleeper)
    // Sockets whose room is still loading have had nothing applied: they only need telling.
    for (const { close } of [...this.waiting.values()]) close(CloseCode.ServiceRestart, 'server restarting; reconnect')
    this.waiting.clear()
    this.waitingPerRoom.clear()
    // Commits in flight and queued finish (a failed one is reported to its rooms, never thrown).
    await this.batcher.flush()
    // Every room is snapshotted below; the ones waiting for their turn need not be.
    this.snapshots.stop()
    for (const timer of this.unloadTimers.values()) clearTimeout(timer)
    this.unloadTimers.clear()
    await Promise.all(
      [...this.rooms].map(async ([roomId, room]) => {
        try {
          await room.snapshot()
        } catch (error) {
          this.options.logger.error('could not snapshot room at shutdown; its log is complete', {
            room: roomId,
            error,
          })
        }
        room.destroy(CloseCode.ServiceRestart, 'server restarting; reconnect')
      })
    )
    for (const room of this.rooms.values()) this.options.fanout?.detach(room)
    this.rooms.clear()
    const open = [...this.wss.clients]
    if (open.length) {
      await new Promise<void>((resolve) => {
        let left = open.length
        const done = () => --left === 0 && resolve()
        for (const ws of open) {
          if (ws.readyState === WebSocket.CLOSED) done()
          else ws.once('close', done)
        }
        setTimeout(() => {
          for (const ws of open) ws.terminate()
        }, SHUTDOWN_GRACE_MS).unref()
      })
    }
    this.wss.close()
  }
}
