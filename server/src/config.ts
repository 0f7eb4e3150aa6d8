import { hostname } from 'node:os'
import { resolve } from 'node:path'
import { DEFAULT_MAX_FRAME_BYTES, MAX_AUDIO_TOKEN_TTL_S, type IceServer } from '@loopboard/protocol'
import { z } from 'zod'

const int = (min: number) => z.coerce.number().int().min(min)

/** Every environment variable the server reads, with its default. Documented in README.md. */
const EnvSchema = z.object({
  PORT: int(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: z.url().optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  STATIC_DIR: z.string().min(1).optional(),
  MAX_FRAME_BYTES: int(1024).default(DEFAULT_MAX_FRAME_BYTES),
  SNAPSHOT_EVERY_UPDATES: int(1).default(500),
  ROOM_IDLE_UNLOAD_MS: int(0).default(30_000),
  ROOM_SLEEP_AFTER_MS: int(0).default(60_000),
  SQLITE_CHECKPOINT_MS: int(0).default(1_000),
  SQLITE_JOURNAL_FLUSH_MS: int(1).max(60_000).default(500),
  MAX_UPDATE_STRUCTS: int(1).default(20_000),
  MAX_NESTING_DEPTH: int(4).max(1_000).default(32),
  MAX_PENDING_STRUCTS_PER_SOCKET: int(0).default(1_000),
  MAX_PENDING_STRUCTS_PER_ROOM: int(0).default(5_000),
  MAX_SEND_BUFFER_BYTES: int(64 * 1024).default(16 * 1024 * 1024),
  MAX_AWARENESS_STATE_BYTES: int(256).default(32 * 1024),
  MAX_ROOM_PARTICIPANTS: int(1).default(32),
  MAX_CONNECTIONS: int(1).default(10_000),
  MAX_CONNECTIONS_PER_ADDRESS: int(1).default(256),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['pretty', 'json']).default('pretty'),
  NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,64}$/, 'NODE_ID: 1-64 letters, digits, dots, dashes, underscores or colons')
    .optional(),
  METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN: at least 16 characters').optional(),
  DATABASE_URL: z
    .url()
    .refine(
      (url) => URL.canParse(url) && /^postgres(ql)?:$/.test(new URL(url).protocol),
      'DATABASE_URL: a postgres:// or postgresql:// URL'
    )
    .optional(),
  REDIS_URL: z
    .url()
    .refine((url) => /^rediss?:$/.test(new URL(url).protocol), 'REDIS_URL: a redis:// or rediss:// URL')
    .optional(),
  LIVEKIT_URL: z.url().optional(),
  LIVEKIT_API_KEY: z.string().min(1).optional(),
  LIVEKIT_API_SECRET: z.string().min(1).optional(),
  AUDIO_TOKEN_TTL_SECONDS: int(60).max(MAX_AUDIO_TOKEN_TTL_S).default(600),
  RETENTION_DAYS: int(0).default(0),
  MAX_AUDIO_BYTES_PER_ROOM: int(1024 * 1024).default(1024 * 1024 * 1024),
  ROOM_CREATION: z.enum(['open', 'restricted']).default('open'),
  TRUST_PROXY: z.enum(['true', 'false', '1', '0']).default('false'),
  RATE_ROOMS_PER_MINUTE: int(1).default(10),
  RATE_AUTH_FAILURES_PER_MINUTE: int(1).default(30),
  RATE_SOCKET_COMMANDS_PER_SECOND: int(1).default(20),
  ICE_SERVERS: z
    .string()
    .transform((raw, ctx) => {
      try {
        return IceServersSchema.parse(JSON.parse(raw))
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          message: `ICE_SERVERS must be a JSON array of {urls, username?, credential?}: ${(error as Error).message}`,
        })
        return z.NEVER
      }
    })
    .optional(),
})

const IceServersSchema = z.array(
  z
    .object({
      urls: z.union([z.string(), z.array(z.string())]),
      username: z.string().optional(),
      credential: z.string().optional(),
    })
    .strict()
)

/** LiveKit, when configured: all three variables or none. */
export interface LiveKitConfig {
  url: string
  apiKey: string
  apiSecret: string
}

export interface Config {
  port: number
  host: string
  /** Base of the links handed out; when unset, derived from each request's Host header. */
  publicUrl: string | undefined
  dataDir: string
  /** The built client. */
  staticDir: string
  maxFrameBytes: number
  snapshotEveryUpdates: number
  roomIdleUnloadMs: number
  /** A room whose board is untouched this long keeps its doc encoded (0: never). */
  roomSleepAfterMs: number
  /** WAL checkpoint interval of the worker thread (0: SQLite checkpoints on the event loop). */
  sqliteCheckpointMs: number
  /** Journaled board updates move into SQLite at most this long after they are written. */
  sqliteJournalFlushMs: number
  /** Most structs in one Yjs update. */
  maxUpdateStructs: number
  /** Deepest nesting of shared types and JSON values in the board. */
  maxNestingDepth: number
  /** Structs with unresolved dependencies held per socket / per room before the sender is closed. */
  maxPendingStructsPerSocket: number
  maxPendingStructsPerRoom: number
  /** Bytes queued to one socket before it counts as not reading and is closed. */
  maxSendBufferBytes: number
  /** Largest awareness state of one client (bytes of JSON). */
  maxAwarenessStateBytes: number
  /** Sockets per room on /yjs, and on socket.io, beyond which joiners are refused. */
  maxRoomParticipants: number
  /** Open TCP connections at most, and per peer address (not applied with `trustProxy`). */
  maxConnections: number
  maxConnectionsPerAddress: number
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL']
  /** `pretty` (one readable line per event) or `json` (one object per line, for log shippers). */
  logFormat: 'pretty' | 'json'
  /** Names this process in logs and metrics; several relays behind one proxy need distinct ids. */
  nodeId: string
  /** When set, `GET /metrics` needs `Authorization: Bearer <token>`; open otherwise. */
  metricsToken: string | undefined
  /** Postgres holds everything (rooms, board log, interview, recordings, keys) when set; SQLite otherwise. */
  databaseUrl: string | null
  /** Several relays: socket.io (and board fan-out) across them through this Redis. */
  redisUrl: string | null
  /** Audio through LiveKit when set; otherwise peer-to-peer audio signalled over socket.io. */
  livekit: LiveKitConfig | null
  audioTokenTtlSeconds: number
  /** ICE servers for peer-to-peer audio (none by default: same machine or LAN only). */
  iceServers: IceServer[]
  /** Delete rooms (and their recordings) idle for longer than this many days; 0 keeps them forever. */
  retentionDays: number
  /** Recorded audio one room may hold, all tracks together (bytes); a chunk past it is refused. */
  maxAudioBytesPerRoom: number
  /** `open`: anyone may create a room. `restricted`: only with an interviewer key (`npm run keys`). */
  roomCreation: 'open' | 'restricted'
  /** Honour `X-Forwarded-For` for the client address (only behind a proxy that sets it). */
  trustProxy: boolean
  /** Per client address: rooms created, refused credentials (HTTP, /yjs, socket.io) per minute. */
  rateRoomsPerMinute: number
  rateAuthFailuresPerMinute: number
  /** Per socket.io connection: commands per second (twice that in a burst). */
  rateSocketCommandsPerSecond: number
}

const REPO_ROOT = resolve(import.meta.dirname, '../..')

/**
 * Read the environment once, at start. Fails fast with every problem listed, so a typo in
 * an env var stops the server instead of silently running with a default.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  )
  if (!parsed.success) {
    throw new Error(`Invalid configuration:\n${z.prettifyError(parsed.error)}`)
  }
  const e = parsed.data
  const livekitVars = [e.LIVEKIT_URL, e.LIVEKIT_API_KEY, e.LIVEKIT_API_SECRET]
  if (livekitVars.some(Boolean) && !livekitVars.every(Boolean)) {
    throw new Error(
      'Invalid configuration:\nLIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET go together: set all three, or none for peer-to-peer audio.'
    )
  }
  if (e.REDIS_URL && !e.DATABASE_URL) {
    throw new Error(
      'Invalid configuration:\nREDIS_URL needs DATABASE_URL: relays behind one Redis must share one Postgres (they cannot share the SQLite file).'
    )
  }
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    dataDir: resolve(e.DATA_DIR),
    staticDir: resolve(e.STATIC_DIR ?? resolve(REPO_ROOT, 'apps/web/dist')),
    maxFrameBytes: e.MAX_FRAME_BYTES,
    snapshotEveryUpdates: e.SNAPSHOT_EVERY_UPDATES,
    roomIdleUnloadMs: e.ROOM_IDLE_UNLOAD_MS,
    roomSleepAfterMs: e.ROOM_SLEEP_AFTER_MS,
    sqliteCheckpointMs: e.SQLITE_CHECKPOINT_MS,
    sqliteJournalFlushMs: e.SQLITE_JOURNAL_FLUSH_MS,
    maxUpdateStructs: e.MAX_UPDATE_STRUCTS,
    maxNestingDepth: e.MAX_NESTING_DEPTH,
    maxPendingStructsPerSocket: e.MAX_PENDING_STRUCTS_PER_SOCKET,
    maxPendingStructsPerRoom: e.MAX_PENDING_STRUCTS_PER_ROOM,
    maxSendBufferBytes: e.MAX_SEND_BUFFER_BYTES,
    maxAwarenessStateBytes: e.MAX_AWARENESS_STATE_BYTES,
    maxRoomParticipants: e.MAX_ROOM_PARTICIPANTS,
    maxConnections: e.MAX_CONNECTIONS,
    maxConnectionsPerAddress: e.MAX_CONNECTIONS_PER_ADDRESS,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    // Unique among relays on one machine without any setting.
    nodeId: e.NODE_ID ?? `${hostname()}-${process.pid}`,
    metricsToken: e.METRICS_TOKEN,
    databaseUrl: e.DATABASE_URL ?? null,
    redisUrl: e.REDIS_URL ?? null,
    livekit: e.LIVEKIT_URL
      ? { url: e.LIVEKIT_URL, apiKey: e.LIVEKIT_API_KEY!, apiSecret: e.LIVEKIT_API_SECRET! }
      : null,
    audioTokenTtlSeconds: e.AUDIO_TOKEN_TTL_SECONDS,
    iceServers: e.ICE_SERVERS ?? [],
    retentionDays: e.RETENTION_DAYS,
    maxAudioBytesPerRoom: e.MAX_AUDIO_BYTES_PER_ROOM,
    roomCreation: e.ROOM_CREATION,
    trustProxy: e.TRUST_PROXY === 'true' || e.TRUST_PROXY === '1',
    rateRoomsPerMinute: e.RATE_ROOMS_PER_MINUTE,
    rateAuthFailuresPerMinute: e.RATE_AUTH_FAILURES_PER_MINUTE,
    rateSocketCommandsPerSecond: e.RATE_SOCKET_COMMANDS_PER_SECOND,
  }
}

/** Defaults for tests and embedding: everything `loadConfig` would pick, overridable. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({}), logLevel: 'silent', ...overrides }
}
