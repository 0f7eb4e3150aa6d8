/**
 * The floor: a WebSocket relay that understands nothing. Every frame a socket sends is forwarded
 * as is to the other sockets of the same path (query string ignored). No Y.Doc, no storage, no
 * auth, no echo to the sender. Run as its own process: `PORT=0 node bench/baselines/rawRelay.ts`.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'

const groups = new Map<string, Set<WebSocket>>()
const wss = new WebSocketServer({ noServer: true, maxPayload: 2 * 1024 * 1024 })

const http = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' })
  res.end('raw relay')
})

http.on('upgrade', (req, socket, head) => {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname
  wss.handleUpgrade(req, socket, head, (ws) => {
    let group = groups.get(path)
    if (!group) groups.set(path, (group = new Set()))
    group.add(ws)
    ws.on('message', (data, isBinary) => {
      for (const other of group)
        if (other !== ws && other.readyState === other.OPEN) other.send(data, { binary: isBinary })
    })
    ws.on('error', () => ws.terminate())
    ws.on('close', () => {
      group.delete(ws)
      if (group.size === 0 && groups.get(path) === group) groups.delete(path)
    })
  })
})

http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = http.address() as AddressInfo
  process.stdout.write(`raw relay ready at http://127.0.0.1:${port}\n`)
})

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    for (const ws of wss.clients) ws.terminate()
    http.close()
    process.exit(0)
  })
}
