import { readFileSync } from 'node:fs'
import * as encoding from 'lib0/encoding'
import { io } from 'socket.io-client'
import { WebSocket } from 'ws'
import * as Y from 'yjs'
import { PROTOCOL_VERSION } from '@loopboard/protocol'

/** The room an attack targets: where its sockets connect, with which token. */
export interface Target {
  httpBase: string
  wsBase: string
  roomId: string
  token: string
}

/** Resident memory of a process, from /proc (bytes). */
export function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return match ? Number(match[1]) * 1024 : 0
}

function frame(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder()
  write(e)
  return encoding.toUint8Array(e)
}

const awarenessFrame = (clientId: number, state: unknown) =>
  frame((e) => {
    encoding.writeVarUint(e, 1)
    encoding.writeVarUint8Array(
      e,
      frame((inner) => {
        encoding.writeVarUint(inner, 1)
        encoding.writeVarUint(inner, clientId)
        encoding.writeVarUint(inner, 1)
        encoding.writeVarString(inner, JSON.stringify(state))
      })
    )
  })

const QUERY_AWARENESS = Uint8Array.of(3)

function open(target: Target): Promise<WebSocket> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${target.wsBase}/${target.roomId}?token=${encodeURIComponent(target.token)}`)
    ws.on('error', () => {})
    ws.once('open', () => resolve(ws))
    ws.once('close', () => resolve(ws))
  })
}

/** Stop reading a socket: its kernel buffers fill, then the server's queue for it grows. */
function stopReading(ws: WebSocket) {
  ;(ws as unknown as { _socket?: { pause(): void } })._socket?.pause()
}

const done = (ws: WebSocket) =>
  new Promise<void>((resolve) => (ws.readyState === WebSocket.CLOSED ? resolve() : ws.once('close', () => resolve())))

/**
 * Sockets that plant the largest awareness states the room takes, stop reading, and send tiny
 * requests (query-awareness, sync step 1) whose answers are the whole room, as fast as they can.
 */
export async function bigAwarenessNonReaders(target: Target, sockets = 20, durationMs = 3_000): Promise<void> {
  const all = await Promise.all(Array.from({ length: sockets }, () => open(target)))
  const pad = 'x'.repeat(30_000)
  const deadline = Date.now() + durationMs
  all.forEach((ws, i) => {
    if (ws.readyState !== WebSocket.OPEN) return
    for (let id = 0; id < 4; id++) ws.send(awarenessFrame(1_000_000 + i * 10 + id, { pad }))
    stopReading(ws)
  })
  while (Date.now() < deadline && all.some((ws) => ws.readyState === WebSocket.OPEN)) {
    for (const ws of all) if (ws.readyState === WebSocket.OPEN) ws.send(QUERY_AWARENESS)
    await new Promise((resolve) => setTimeout(resolve, 1))
  }
  for (const ws of all) ws.terminate()
}

/** Sockets that send update after update whose dependencies never arrive. */
export async function pendingFlood(target: Target, sockets = 10, updatesPerSocket = 3_000): Promise<void> {
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  for (let i = 0; i < updatesPerSocket; i++) doc.getText('t').insert(i, 'x')
  const frames = updates.slice(1).map((u) =>
    frame((e) => {
      encoding.writeVarUint(e, 0)
      encoding.writeVarUint(e, 2)
      encoding.writeVarUint8Array(e, u)
    })
  )
  await Promise.all(
    Array.from({ length: sockets }, async () => {
      const ws = await open(target)
      for (const f of frames) if (ws.readyState === WebSocket.OPEN) ws.send(f)
      await Promise.race([done(ws), new Promise((resolve) => setTimeout(resolve, 5_000))])
      ws.terminate()
    })
  )
}

/** Hundreds of sockets into one room, on /yjs and on socket.io, all held open for a while. */
export async function crowd(target: Target, sockets = 300, holdMs = 2_000): Promise<void> {
  const yjs = await Promise.all(Array.from({ length: sockets }, () => open(target)))
  const presence = Array.from({ length: sockets }, (_, i) =>
    io(target.httpBase, {
      auth: {
        roomId: target.roomId,
        token: target.token,
        name: `P${i}`,
        userId: `crowd-${i}`,
        protocolVersion: PROTOCOL_VERSION,
      },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    })
  )
  await new Promise((resolve) => setTimeout(resolve, holdMs))
  for (const ws of yjs) ws.terminate()
  for (const s of presence) s.disconnect()
}

/** Sample `pid`'s resident memory every 50 ms while `attack` runs; the peak growth over the start, in bytes. */
export async function peakGrowth(pid: number, attack: () => Promise<void>): Promise<number> {
  const start = rssBytes(pid)
  let peak = start
  const timer = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), 50)
  try {
    await attack()
  } finally {
    clearInterval(timer)
  }
  return Math.max(peak, rssBytes(pid)) - start
}

/** How long `/healthz` takes to answer (ms); throws if it does not within `timeoutMs`. */
export async function healthLatency(httpBase: string, timeoutMs = 2_000): Promise<number> {
  const t0 = performance.now()
  const res = await fetch(`${httpBase}/healthz`, { signal: AbortSignal.timeout(timeoutMs) })
  if (res.status !== 200) throw new Error(`/healthz answered ${res.status}`)
  return performance.now() - t0
}
