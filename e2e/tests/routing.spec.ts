import { ROUTING_ROOM_PARAM } from '@loopboard/protocol'
import { expect, test } from '../fixtures/test.ts'

test('both realtime connections carry the room for a load balancer to route by', async ({ room, join }) => {
  const candidate = await join(room.links.candidate, 'Cam')
  await candidate.ready()
  // Watch the connections a fresh load opens.
  const urls: string[] = []
  candidate.page.on('websocket', (ws) => urls.push(ws.url()))
  await candidate.page.reload()
  await candidate.ready()
  await expect.poll(() => urls.filter((u) => /\/yjs\/|\/socket\.io\//.test(u)).length).toBe(2)
  const yjs = new URL(urls.find((u) => u.includes('/yjs/'))!)
  const socketIo = new URL(urls.find((u) => u.includes('/socket.io/'))!)
  expect(yjs.pathname).toBe(`/yjs/${room.roomId}`)
  expect(yjs.searchParams.get(ROUTING_ROOM_PARAM)).toBe(room.roomId)
  expect(socketIo.searchParams.get(ROUTING_ROOM_PARAM)).toBe(room.roomId)
})
