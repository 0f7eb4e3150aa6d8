import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import {
  PROTOCOL_VERSION,
  type ClientToServerEvents,
  type CreateRoomResponse,
  type HandshakeAuth,
  type ServerToClientEvents,
} from '@loopboard/protocol'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { io, type Socket as ClientSocket } from 'socket.io-client'
import { afterEach } from 'vitest'
import { WebSocket, type RawData } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { testConfig, type Config } from '../config.ts'
import { DATABASE_FILE, startServer, type LoopboardServer } from '../createServer.ts'

export const DEFAULT_TIMEOUT_MS = 5_000

/** A tab secret as a browser tab makes one (`X-Loopboard-Tab`, handshake `tab`, `/yjs?tab=`). */
export function newTabSecret(): string {
  return randomBytes(24).toString('base64url')
}

/** Reject with a readable message if `promise` does not settle within `ms`. */
export function withTimeout<T>(promise: Promise<T>, label: string, ms = DEFAULT_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${label}`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** Poll `check` until it holds (for state that has no event of its own, such as server internals). */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  label: string,
  ms = DEFAULT_TIMEOUT_MS
): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${label}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/** Resolve once `doc` satisfies `check`, re-checking on every update it receives. */
export function docUntil(doc: Y.Doc, check: (doc: Y.Doc) => boolean, label: string, ms = DEFAULT_TIMEOUT_MS) {
  return withTimeout(
    new Promise<void>((resolve) => {
      if (check(doc)) return resolve()
      const onUpdate = () => {
        if (!check(doc)) return
        doc.off('afterTransaction', onUpdate)
        resolve()
      }
      doc.on('afterTransaction', onUpdate)
    }),
    label,
    ms
  )
}

export const httpBase = (server: LoopboardServer) => `http://127.0.0.1:${server.port}`
export const wsBase = (server: LoopboardServer) => `ws://127.0.0.1:${server.port}/yjs`

export async function createRoom(server: LoopboardServer, body: unknown = {}): Promise<CreateRoomResponse> {
  const res = await fetch(`${httpBase(server)}/api/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (res.status !== 201) throw new Error(`POST /api/rooms answered ${res.status}: ${await res.text()}`)
  return (await res.json()) as CreateRoomResponse
}

// ---------------------------------------------------------------------------------------------
// Raw y-websocket frames (built with y-protocols/lib0 directly, not with the server's encoders)
// ---------------------------------------------------------------------------------------------

export const MSG_SYNC = 0
export const MSG_AWARENESS = 1
export const MSG_AUTH = 2

function build(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder()
  write(e)
  return encoding.toUint8Array(e)
}

export const syncStep1Frame = (doc: Y.Doc) =>
  build((e) => {
    encoding.writeVarUint(e, MSG_SYNC)
    syncProtocol.writeSyncStep1(e, doc)
  })

export const updateFrame = (update: Uint8Array) =>
  build((e) => {
    encoding.writeVarUint(e, MSG_SYNC)
    syncProtocol.writeUpdate(e, update)
  })

export interface AwarenessEntry {
  clientId: number
  clock: number
  state: Record<string, unknown> | null
}

export const awarenessFrame = (entries: AwarenessEntry[]) =>
  build((e) => {
    encoding.writeVarUint(e, MSG_AWARENESS)
    encoding.writeVarUint8Array(
      e,
      build((inner) => {
        encoding.writeVarUint(inner, entries.length)
        for (const { clientId, clock, state } of entries) {
          encoding.writeVarUint(inner, clientId)
          encoding.writeVarUint(inner, clock)
          encoding.writeVarString(inner, JSON.stringify(state))
        }
      })
    )
  })

/** An awareness message with one entry (client 42) whose state is the raw string `json`. */
export const awarenessFrameWithJson = (json: string) =>
  build((e) => {
    encoding.writeVarUint(e, MSG_AWARENESS)
    encoding.writeVarUint8Array(
      e,
      build((inner) => {
        encoding.writeVarUint(inner, 1)
        encoding.writeVarUint(inner, 42)
        encoding.writeVarUint(inner, 1)
        encoding.writeVarString(inner, json)
      })
    )
  })

/** The entries of an awareness update payload. */
export function decodeAwarenessPayload(payload: Uint8Array): AwarenessEntry[] {
  const d = decoding.createDecoder(payload)
  const count = decoding.readVarUint(d)
  const entries: AwarenessEntry[] = []
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(d)
    const clock = decoding.readVarUint(d)
    entries.push({ clientId, clock, state: JSON.parse(decoding.readVarString(d)) as AwarenessEntry['state'] })
  }
  return entries
}

export type DecodedFrame =
  | { type: 'sync'; sub: number; payload: Uint8Array }
  | { type: 'awareness'; payload: Uint8Array }
  | { type: 'auth'; permission: number; reason: string }
  | { type: 'other'; code: number }

/** Decode a frame the server sent. */
export function decodeFrame(frame: Uint8Array): DecodedFrame {
  const d = decoding.createDecoder(frame)
  const type = decoding.readVarUint(d)
  if (type === MSG_SYNC) {
    const sub = decoding.readVarUint(d)
    return { type: 'sync', sub, payload: decoding.readVarUint8Array(d) }
  }
  if (type === MSG_AWARENESS) return { type: 'awareness', payload: decoding.readVarUint8Array(d) }
  if (type === MSG_AUTH) {
    const permission = decoding.readVarUint(d)
    return { type: 'auth', permission, reason: decoding.readVarString(d) }
  }
  return { type: 'other', code: type }
}

/** A y-update that inserts `text` into the Y.Text `name` of a fresh doc. */
export function textUpdate(text: string, name = 'text'): Uint8Array {
  const doc = new Y.Doc()
  doc.getText(name).insert(0, text)
  const update = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  return update
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data))
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}

/** A bare `ws` client on /yjs: sends whatever bytes a test wants and records what comes back. */
export class RawClient {
  readonly messages: Uint8Array[] = []
  readonly closed: Promise<{ code: number; reason: string }>
  private listeners = new Set<() => void>()

  readonly ws: WebSocket

  constructor(ws: WebSocket) {
    this.ws = ws
    ws.on('message', (data) => {
      this.messages.push(toBytes(data))
      for (const listener of [...this.listeners]) listener()
    })
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }))
    })
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN
  }

  send(frame: Uint8Array | string): void {
    this.ws.send(frame)
  }

  /** The first message (already received or yet to come) matching `match`. */
  waitForMessage(match: (frame: DecodedFrame) => boolean, label: string, ms = DEFAULT_TIMEOUT_MS) {
    return withTimeout(
      new Promise<DecodedFrame>((resolve) => {
        const check = () => {
          for (const raw of this.messages) {
            const frame = decodeFrame(raw)
            if (match(frame)) {
              this.listeners.delete(check)
              resolve(frame)
              return
            }
          }
        }
        this.listeners.add(check)
        check()
      }),
      label,
      ms
    )
  }
}

/** The HTTP status (and JSON body) an upgrade request to `url` is refused with. */
export function upgradeRefusal(url: string): Promise<{ status: number; body: unknown }> {
  return withTimeout(
    new Promise((resolve, reject) => {
      const ws = new WebSocket(url)
      ws.on('open', () => {
        ws.terminate()
        reject(new Error(`upgrade to ${url} unexpectedly succeeded`))
      })
      ws.on('error', () => {})
      ws.on('unexpected-response', (_req, res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (text += chunk))
        res.on('end', () => {
          let body: unknown = text
          try {
            body = JSON.parse(text)
          } catch {
            // not JSON; keep the text
          }
          resolve({ status: res.statusCode ?? 0, body })
          ws.terminate()
        })
      })
    }),
    `refusal of ${url}`
  )
}

// ---------------------------------------------------------------------------------------------
// Per-test context: everything created through it is torn down in afterEach
// ---------------------------------------------------------------------------------------------

export interface ProviderHandle {
  doc: Y.Doc
  provider: WebsocketProvider
  /** Reasons of every y-protocols "permission denied" message the provider received. */
  denied: string[]
  /** Close events of the provider's sockets. */
  closes: Array<{ code: number; reason: string }>
}

export type TestServer = LoopboardServer & { dataDir: string }

export type PresenceClient = ClientSocket<ServerToClientEvents, ClientToServerEvents>

export class TestContext {
  private cleanups: Array<() => void | Promise<void>> = []

  /** Run `fn` at cleanup; later registrations run first. */
  onCleanup(fn: () => void | Promise<void>): void {
    this.cleanups.push(fn)
  }

  tempDir(prefix = 'loopboard-test-'): string {
    const dir = mkdtempSync(join(tmpdir(), prefix))
    this.onCleanup(() => rmSync(dir, { recursive: true, force: true }))
    return dir
  }

  /** A real server on a free port, with its own temp data dir. */
  async server(overrides: Partial<Config> = {}): Promise<TestServer> {
    const config = testConfig({
      port: 0,
      host: '127.0.0.1',
      dataDir: this.tempDir(),
      publicUrl: undefined,
      ...overrides,
    })
    const server = await startServer(config)
    this.onCleanup(() => server.close())
    return Object.assign(server, { dataDir: config.dataDir })
  }

  /**
   * A connection of the test's own to a server's database file, to look at rows or move them
   * in time the way an operator could (WAL lets it share the file with the server's).
   */
  database(server: TestServer): DatabaseSync {
    const db = new DatabaseSync(join(server.dataDir, DATABASE_FILE))
    this.onCleanup(() => db.close())
    return db
  }

  /** The stock y-websocket client, in Node, with `ws` as its WebSocket. */
  provider(server: LoopboardServer | string, roomId: string, token: string, doc = new Y.Doc()): ProviderHandle {
    const base = typeof server === 'string' ? server : wsBase(server)
    const provider = new WebsocketProvider(base, roomId, doc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      // Like a browser tab: one secret for the provider's life, so its reconnects are one participant.
      params: { token, tab: newTabSecret() },
      disableBc: true,
    })
    const handle: ProviderHandle = { doc, provider, denied: [], closes: [] }
    // Record y-protocols/auth messages instead of the provider's console.warn.
    provider.messageHandlers[MSG_AUTH] = (_encoder, decoder) => {
      if (decoding.readVarUint(decoder) === 0) handle.denied.push(decoding.readVarString(decoder))
    }
    provider.on('connection-close', (event) => {
      if (event) handle.closes.push({ code: event.code, reason: event.reason })
    })
    this.onCleanup(() => {
      provider.destroy()
      doc.destroy()
    })
    return handle
  }

  async syncedProvider(server: LoopboardServer | string, roomId: string, token: string, doc?: Y.Doc) {
    const handle = this.provider(server, roomId, token, doc)
    await synced(handle.provider)
    return handle
  }

  /** A raw /yjs socket; `tab` is the tab secret it presents (none: a participant of its own). */
  async raw(server: LoopboardServer, roomId: string, token: string, tab?: string): Promise<RawClient> {
    const query = `token=${encodeURIComponent(token)}${tab ? `&tab=${encodeURIComponent(tab)}` : ''}`
    const ws = new WebSocket(`${wsBase(server)}/${roomId}?${query}`)
    const client = new RawClient(ws)
    this.onCleanup(() => ws.terminate())
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve())
        ws.once('error', reject)
      }),
      'raw socket to open'
    )
    return client
  }

  /** A socket.io client; `auth` gets the current protocolVersion unless `exact` is set. */
  presence(
    server: LoopboardServer,
    auth: Partial<HandshakeAuth> | Record<string, unknown>,
    exact = false
  ): PresenceClient {
    const socket: PresenceClient = io(httpBase(server), {
      auth: exact ? auth : { protocolVersion: PROTOCOL_VERSION, ...auth },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    })
    this.onCleanup(() => void socket.disconnect())
    return socket
  }

  async cleanup(): Promise<void> {
    const fns = this.cleanups.reverse()
    this.cleanups = []
    for (const fn of fns) await fn()
  }
}

/** A context torn down after each test of the calling file. */
export function useTestContext(): TestContext {
  const ctx = new TestContext()
  afterEach(() => ctx.cleanup())
  return ctx
}

/** Resolve when the provider has received the server's sync step 2. */
export function synced(provider: WebsocketProvider): Promise<void> {
  if (provider.synced) return Promise.resolve()
  return withTimeout(
    new Promise<void>((resolve) => {
      const onSync = (state: boolean) => {
        if (!state) return
        provider.off('sync', onSync)
        resolve()
      }
      provider.on('sync', onSync)
    }),
    `provider of ${provider.roomname} to sync`
  )
}

/**
 * A struct of {@link handWrittenUpdate}: `value` (or `values`, as many as given, none included)
 * in root map `records` under `key`, in root array `root`, or after `origin`.
 */
export interface HandWrittenStruct {
  value?: unknown
  values?: unknown[]
  key?: string
  root?: string
  origin?: [client: number, clock: number]
}

/**
 * A v1 update written by hand, block by block as given (a client may appear in several blocks,
 * which no Yjs encoder writes), each struct an item holding JSON values; no deletions.
 */
export function handWrittenUpdate(blocks: Array<{ client: number; clock: number; structs: HandWrittenStruct[] }>) {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, blocks.length)
  for (const block of blocks) {
    encoding.writeVarUint(e, block.structs.length)
    encoding.writeVarUint(e, block.client)
    encoding.writeVarUint(e, block.clock)
    for (const s of block.structs) {
      // Content: 8 (ContentAny); 0x80: has an origin; 0x20: has a parent key.
      encoding.writeUint8(e, 8 | (s.origin ? 0x80 : s.key ? 0x20 : 0))
      if (s.origin) {
        encoding.writeVarUint(e, s.origin[0])
        encoding.writeVarUint(e, s.origin[1])
      } else {
        encoding.writeVarUint(e, 1) // the parent is a root type, named
        encoding.writeVarString(e, s.root ?? 'records')
        if (s.key) encoding.writeVarString(e, s.key)
      }
      const values = s.values ?? [s.value]
      encoding.writeVarUint(e, values.length)
      for (const value of values) encoding.writeAny(e, value as Parameters<typeof encoding.writeAny>[1])
    }
  }
  encoding.writeVarUint(e, 0)
  return encoding.toUint8Array(e)
}
