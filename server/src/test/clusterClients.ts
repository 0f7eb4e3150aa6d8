import { randomBytes } from 'node:crypto'
import {
  applyPresenceChange,
  PROTOCOL_VERSION,
  ROUTING_ROOM_PARAM,
  TAB_SECRET_HEADER,
  SocketEvent,
  type CommandAck,
  type CreateRoomResponse,
  type Participant,
  type PresenceChange,
} from '@loopboard/protocol'
import * as decoding from 'lib0/decoding'
import pg from 'pg'
import { io, type Socket } from 'socket.io-client'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import type { Cluster, ClusterRelay } from './clusterFixture.ts'
import { MSG_AUTH, newTabSecret, waitFor, withTimeout, type ProviderHandle, type TestContext } from './helpers.ts'

// Clients of a cluster, all through HAProxy. HAProxy sends a room's connections to the relay its
// `room` parameter hashes to; to put two peers of ONE room on DIFFERENT relays (what a relay
// failure, a scale-out or a plain hash move does in production), a client may present another
// routing key: the parameter only routes, the server takes the room from the path or handshake.

/** A routing key HAProxy currently sends to `relay` (found by asking: the answer names its relay). */
export async function routeKeyFor(cluster: Cluster, relay: string): Promise<string> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const key = randomBytes(9).toString('base64url')
    if ((await relayServing(cluster, key)) === relay) return key
  }
  throw new Error(`no routing key reaches ${relay}`)
}

/** Routing keys that reach relay-0 and relay-1: for two peers of one room on different relays. */
export async function routeKeysForTwoRelays(cluster: Cluster): Promise<[string, string]> {
  return [await routeKeyFor(cluster, 'relay-0'), await routeKeyFor(cluster, 'relay-1')]
}

/** The relay HAProxy sends requests with routing key `key` to. */
export async function relayServing(cluster: Cluster, key: string): Promise<string | null> {
  const res = await fetch(`${cluster.url}/yjs/probe?${ROUTING_ROOM_PARAM}=${key}`)
  await res.arrayBuffer()
  return res.headers.get('x-loopboard-relay')
}

/** POST /api/rooms through HAProxy. */
export async function createClusterRoom(cluster: Cluster): Promise<CreateRoomResponse> {
  const res = await fetch(`${cluster.url}/api/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  })
  if (res.status !== 201) throw new Error(`POST /api/rooms answered ${res.status}: ${await res.text()}`)
  return (await res.json()) as CreateRoomResponse
}

export interface BoardClient extends ProviderHandle {
  /** The tab secret its connections present (one participant across reconnects). */
  tab: string
}

/** The stock y-websocket client through HAProxy, routed by `routeKey`; reconnects by itself. */
export function boardClient(
  ctx: TestContext,
  cluster: Cluster,
  roomId: string,
  token: string,
  routeKey: string,
  tab = newTabSecret()
): BoardClient {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(cluster.wsBase, roomId, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    params: { token, tab, [ROUTING_ROOM_PARAM]: routeKey },
    disableBc: true,
    // Reconnect promptly after a relay dies (the browser client's default backoff reaches 2.5 s).
    maxBackoffTime: 500,
  })
  const handle: BoardClient = { doc, provider, denied: [], closes: [], tab }
  provider.messageHandlers[MSG_AUTH] = (_encoder, decoder) => {
    if (decoding.readVarUint(decoder) === 0) handle.denied.push(decoding.readVarString(decoder))
  }
  provider.on('connection-close', (event) => {
    if (event) handle.closes.push({ code: event.code, reason: event.reason })
  })
  ctx.onCleanup(() => {
    provider.destroy()
    doc.destroy()
  })
  return handle
}

/** Resolve once `client` is connected and synced (again). */
export function boardSynced(client: BoardClient, ms = 15_000): Promise<void> {
  return waitFor(() => client.provider.wsconnected && client.provider.synced, 'the board client to sync', ms)
}

/**
 * A new room with a writer (the candidate) on relay-0 and a watcher (the interviewer) on relay-1,
 * both synced and the relays checked to hold them: every board update crosses relays.
 */
export async function boardAcrossRelays(ctx: TestContext, cluster: Cluster) {
  const [keyA, keyB] = await routeKeysForTwoRelays(cluster)
  const room = await createClusterRoom(cluster)
  const writer = boardClient(ctx, cluster, room.roomId, room.tokens.candidate, keyA)
  const watcher = boardClient(ctx, cluster, room.roomId, room.tokens.interviewer, keyB)
  await Promise.all([boardSynced(writer), boardSynced(watcher)])
  await expectSpread(cluster, 'yjs')
  return { room, writer, watcher, keyA, keyB }
}

export interface Received {
  event: string
  payload: unknown
  at: number
}

export interface RoomSocket {
  socket: Socket
  tab: string
  /** Every event the server sent, in arrival order (acks excluded). */
  events: Received[]
  payloads<T>(event: string): T[]
  last<T>(event: string): T | undefined
  /** Send a command and resolve with its acknowledgement. */
  send<T = object>(event: string, payload?: unknown, ms?: number): Promise<CommandAck<T>>
}

/** A socket.io client of the room through HAProxy (WebSocket transport), routed by `routeKey`. */
export async function roomSocket(
  ctx: TestContext,
  cluster: Cluster,
  options: { roomId: string; token: string; name: string; routeKey: string; tab?: string; reconnection?: boolean }
): Promise<RoomSocket> {
  const tab = options.tab ?? newTabSecret()
  const socket = io(cluster.url, {
    auth: {
      roomId: options.roomId,
      token: options.token,
      name: options.name,
      tab,
      protocolVersion: PROTOCOL_VERSION,
    },
    query: { [ROUTING_ROOM_PARAM]: options.routeKey },
    transports: ['websocket'],
    reconnection: options.reconnection ?? true,
    reconnectionDelay: 200,
    reconnectionDelayMax: 1_000,
    forceNew: true,
  })
  ctx.onCleanup(() => void socket.disconnect())
  const events: Received[] = []
  socket.onAny((event: string, ...args: unknown[]) => events.push({ event, payload: args[0], at: Date.now() }))
  const client: RoomSocket = {
    socket,
    tab,
    events,
    payloads: <T>(event: string) => events.filter((e) => e.event === event).map((e) => e.payload as T),
    last: <T>(event: string) => client.payloads<T>(event).at(-1),
    send: <T>(event: string, payload: unknown = {}, ms = 30_000) =>
      withTimeout(
        new Promise<CommandAck<T>>((resolve) => socket.emit(event, payload, (ack: CommandAck<T>) => resolve(ack))),
        `ack of ${event}`,
        ms
      ),
  }
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve())
      socket.once('connect_error', (error) => (options.reconnection === false ? reject(error) : undefined))
    }),
    `${options.name}'s socket to connect`,
    15_000
  )
  return client
}

/** The participant list as `client` has been told it, change by change. */
export function presenceOf(client: RoomSocket): Participant[] {
  let list: Participant[] = []
  for (const { event, payload } of client.events) {
    const change: PresenceChange | null =
      event === SocketEvent.PresenceSnapshot
        ? { type: 'snapshot', participants: (payload as { participants: Participant[] }).participants }
        : event === SocketEvent.PresenceJoined
          ? { type: 'joined', participant: payload as Participant }
          : event === SocketEvent.PresenceLeft
            ? { type: 'left', participant: payload as Participant }
            : event === SocketEvent.PresenceUpdated
              ? { type: 'updated', participant: payload as Participant }
              : null
    if (change) list = applyPresenceChange(list, change)
  }
  return list
}

/** HTTP through HAProxy as a tab of `token` (bearer + tab secret). */
export function clusterApi(cluster: Cluster, token: string, tab: string) {
  return (path: string, init: RequestInit = {}) =>
    fetch(`${cluster.url}/api/rooms/${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, [TAB_SECRET_HEADER]: tab, ...(init.headers ?? {}) },
    })
}

/**
 * The room's board as Postgres holds it, rebuilt the way a relay loads it: the newest snapshot,
 * then every update after it, in seq order.
 */
export async function docFromPostgres(databaseUrl: string, roomId: string): Promise<Y.Doc> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const snap = await client.query<{ upto_seq: string; state: Buffer }>(
      'SELECT upto_seq, state FROM room_snapshots WHERE room_id = $1 ORDER BY upto_seq DESC LIMIT 1',
      [roomId]
    )
    const doc = new Y.Doc()
    const from = snap.rows[0] ? Number(snap.rows[0].upto_seq) : 0
    if (snap.rows[0]) Y.applyUpdate(doc, snap.rows[0].state)
    const { rows } = await client.query<{ bytes: Buffer }>(
      'SELECT bytes FROM room_updates WHERE room_id = $1 AND seq > $2 ORDER BY seq',
      [roomId, from]
    )
    for (const row of rows) Y.applyUpdate(doc, row.bytes)
    return doc
  } finally {
    await client.end()
  }
}

/** A doc's `records` as plain JSON with sorted keys, for comparing two docs. */
export function docContent(doc: Y.Doc): Record<string, unknown> {
  const json = doc.getMap('records').toJSON()
  return Object.fromEntries(
    Object.keys(json)
      .sort()
      .map((key) => [key, json[key]])
  )
}

/** Open sockets of `transport` a relay holds, from its own /metrics (not through HAProxy). */
export async function socketsOn(relay: ClusterRelay, transport: 'yjs' | 'socketio'): Promise<number> {
  const text = await (await fetch(`${relay.httpBase}/metrics`)).text()
  const line = text.split('\n').find((l) => l.startsWith(`loopboard_sockets{transport="${transport}"`))
  return line ? Number(line.split(' ').at(-1)) : 0
}

/** Every relay is alive and holds some of the test's `transport` sockets: peers really are spread. */
export async function expectSpread(cluster: Cluster, transport: 'yjs' | 'socketio'): Promise<void> {
  for (const relay of cluster.relays) {
    if (!relay.process) throw new Error(`${relay.name} is not running:\n${relay.output()}`)
    const count = await socketsOn(relay, transport)
    if (count < 1) throw new Error(`${relay.name} holds no ${transport} socket: the peers are not spread`)
  }
}
