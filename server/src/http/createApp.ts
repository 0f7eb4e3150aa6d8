import type { IncomingMessage } from 'node:http'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { serveStatic } from '@hono/node-server/serve-static'
import { ApiErrorCode, PROTOCOL_VERSION, type ServerInfo } from '@loopboard/protocol'
import { Hono, type Context } from 'hono'
import type { Config } from '../config.ts'
import type { Logger } from '../logger.ts'
import type { InterviewService } from '../interview/InterviewService.ts'
import type { RecordingService } from '../audioRecording/RecordingService.ts'
import type { InterviewerKeys } from '../rooms/InterviewerKeys.ts'
import type { RoomLifecycle } from '../rooms/RoomLifecycle.ts'
import type { RoomService } from '../rooms/RoomService.ts'
import type { AsyncStorage } from '../storage/AsyncStorage.ts'
import type { RoomRow } from '../storage/Storage.ts'
import type { RoundWindow } from '../interview/rounds.ts'
import { audioRoutes } from './audioRoutes.ts'
import { apiError } from './errors.ts'
import { buildTimeline, noteRoutes, promptRoutes, timelineRoutes } from './interviewRoutes.ts'
import { recordingRoutes } from './audioRecordingRoutes.ts'
import { reviewRoutes } from './reviewRoutes.ts'
import { opsRoutes, type OpsOptions } from './opsRoutes.ts'
import { seatGuard } from './requireSeat.ts'
import type { RateLimits } from '../limits/RateLimits.ts'
import { retryAfterSeconds } from '../limits/AddressLimiter.ts'
import { roomRoutes } from './roomRoutes.ts'
import { isStorageUnavailable } from '../storage/storageUnavailable.ts'

/** What a request answered 503 during a storage outage is told to wait before retrying (s). */
const STORAGE_RETRY_AFTER_S = 5

export interface AppOptions {
  config: Pick<Config, 'publicUrl' | 'staticDir' | 'livekit' | 'audioTokenTtlSeconds' | 'iceServers' | 'roomCreation'>
  rooms: RoomService
  /** Deletes rooms (`DELETE /api/rooms/<roomId>`). */
  lifecycle: RoomLifecycle
  /** Interviewer keys (`ROOM_CREATION=restricted`). */
  keys: InterviewerKeys
  /** Per-address rate limits. */
  limits: RateLimits
  interview: InterviewService
  storage: Pick<AsyncStorage, 'readUpdates'>
  logger: Logger
  /** Recording, audio tracks, summary, archive and deletion; those routes are absent without it. */
  recordings?: RecordingService
  /** `/healthz`, `/readyz`, `/metrics` (only `/healthz` without it). */
  ops?: Omit<OpsOptions, 'logger'>
}

const NOT_BUILT_PAGE = `<!doctype html><meta charset="utf-8"><title>Loopboard</title>
<p>The client is not built yet. Run <code>npm run build</code> (or <code>npm start</code>, which builds it) and reload.</p>`

/** The HTTP API and the built client, as one Hono app. */
export function createApp({
  config,
  rooms,
  keys,
  lifecycle,
  interview,
  storage,
  logger,
  recordings,
  ops,
  limits,
}: AppOptions) {
  const app = new Hono()
  const audioTracks = recordings ? (roomId: string) => recordings.audioTracks(roomId) : undefined

  app.use('*', async (c, next) => {
    await next()
    c.header('X-Content-Type-Options', 'nosniff')
    c.header('Referrer-Policy', 'no-referrer')
  })

  // Per client address: refused credentials and room creation (429 with Retry-After).
  const addressOf = (c: Context) => {
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming
    return incoming ? limits.addressOf(incoming) : 'unknown'
  }
  const tooMany = (c: Context, ms: number, what: string) => {
    c.header('Retry-After', String(retryAfterSeconds(ms)))
    return apiError(c, 429, ApiErrorCode.TooManyRequests, `${what} Try again in ${retryAfterSeconds(ms)} s.`)
  }
  const authGate = (c: Context) => {
    const ms = limits.authBlocked(addressOf(c))
    return ms ? tooMany(c, ms, 'Too many refused credentials from this address.') : undefined
  }
  const onFailedAuth = (c: Context) => limits.authFailed(addressOf(c))
  const guard = seatGuard({ rooms, onFailedAuth, gate: authGate })
  const beforeCreate = (c: Context) => {
    const blocked = config.roomCreation === 'restricted' ? authGate(c) : undefined
    if (blocked) return blocked
    const ms = limits.createRoom(addressOf(c))
    return ms ? tooMany(c, ms, 'Too many rooms created from this address.') : undefined
  }

  if (ops) app.route('/', opsRoutes({ ...ops, logger }))
  else app.get('/healthz', (c) => c.json({ ok: true }))
  app.get('/api/config', (c) =>
    c.json<ServerInfo>({ roomCreation: config.roomCreation, protocolVersion: PROTOCOL_VERSION })
  )
  app.route('/api/rooms', roomRoutes({ lifecycle, keys, guard, config, onFailedAuth, beforeCreate }))
  app.route('/api/rooms', noteRoutes(guard, interview))
  app.route('/api/rooms', audioRoutes(guard, config))
  app.route('/api/rooms', timelineRoutes(guard, interview, storage, audioTracks))
  app.route('/api/rooms', reviewRoutes(guard, interview))
  if (recordings) {
    const timeline = (room: RoomRow, round: RoundWindow) => buildTimeline(room, interview, storage, audioTracks, round)
    app.route('/api/rooms', recordingRoutes({ guard, recordings, lifecycle, interview, timeline, logger }))
  }
  app.route('/api/prompts', promptRoutes(guard, interview))
  app.all('/api/*', (c) => apiError(c, 404, ApiErrorCode.NotFound, `No API route ${c.req.method} ${c.req.path}.`))

  const staticRoot = relative(process.cwd(), config.staticDir) || '.'
  const indexFile = join(config.staticDir, 'index.html')
  app.use(
    '/assets/*',
    serveStatic({
      root: staticRoot,
      onFound: (_path, c) => c.header('Cache-Control', 'public, max-age=31536000, immutable'),
    })
  )
  app.use('*', serveStatic({ root: staticRoot }))
  // Client-side routes (/, /r/<roomId>) all load the app shell.
  app.get('*', async (c) => {
    if (!existsSync(indexFile)) return c.html(NOT_BUILT_PAGE, 503)
    c.header('Cache-Control', 'no-cache')
    return c.html(await readFile(indexFile, 'utf8'))
  })

  app.onError((error, c) => {
    logger.error('request failed', { path: c.req.path, error })
    if (isStorageUnavailable(error)) {
      c.header('Retry-After', String(STORAGE_RETRY_AFTER_S))
      return apiError(
        c,
        503,
        ApiErrorCode.Unavailable,
        'The server cannot reach its storage right now; try again shortly.'
      )
    }
    return apiError(c, 500, ApiErrorCode.Internal, 'Internal error.')
  })
  return app
}
