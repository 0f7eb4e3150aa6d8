/** Headless y-websocket clients: the stock `WebsocketProvider` with `ws` as its WebSocket. */
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import type { RelayProcess } from './processes.ts'

// Every provider adds a process 'exit' listener; a thousand clients are expected here.
process.setMaxListeners(0)

export interface Client {
  doc: Y.Doc
  provider: WebsocketProvider
  close(): void
}

export interface RoomAccess {
  roomId: string
  token: string
}

export function openClient(wsBase: string, access: RoomAccess, doc = new Y.Doc()): Client {
  const provider = new WebsocketProvider(wsBase, access.roomId, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    params: { token: access.token },
    disableBc: true,
  })
  return {
    doc,
    provider,
    close: () => {
      provider.destroy()
      doc.destroy()
    },
  }
}

/** Resolve once `check()` holds, polling every `everyMs`; reject after `timeoutMs`. */
export async function waitUntil(check: () => boolean, label: string, timeoutMs = 10_000, everyMs = 10) {
  const deadline = performance.now() + timeoutMs
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${label}`)
    await new Promise((done) => setTimeout(done, everyMs))
  }
}

/** Resolve when the provider's socket is open (and, if `synced`, when the server's step 2 arrived). */
export function whenReady(client: Client, synced: boolean, timeoutMs = 20_000): Promise<void> {
  const { provider } = client
  const ready = () => provider.wsconnected && (!synced || provider.synced)
  return waitUntil(ready, `${provider.roomname} to connect`, timeoutMs, 5)
}

/** Rooms the relay accepts: real rooms with tokens on Loopboard, any path on the baselines. */
export async function makeRooms(relay: RelayProcess, count: number, prefix: string): Promise<RoomAccess[]> {
  if (relay.kind === 'raw' || relay.kind === 'y-websocket-server') {
    return Array.from({ length: count }, (_, i) => ({ roomId: `${prefix}-${i}`, token: 'none' }))
  }
  const out: RoomAccess[] = []
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${relay.httpBase}/api/rooms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: `${prefix} ${i}` }),
    })
    if (res.status !== 201) throw new Error(`POST /api/rooms answered ${res.status}`)
    const body = (await res.json()) as { roomId: string; tokens: { interviewer: string } }
    out.push({ roomId: body.roomId, token: body.tokens.interviewer })
  }
  return out
}
