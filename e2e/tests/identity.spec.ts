import {
  AudioEvent,
  PROTOCOL_VERSION,
  RecordingEvent,
  SocketEvent,
  TAB_SECRET_HEADER,
  type HelloPayload,
  type Participant,
} from '@loopboard/protocol'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { io, type Socket } from 'socket.io-client'
import { WebSocket } from 'ws'
import { AudioBar } from '../fixtures/audio.ts'
import { expect, test } from '../fixtures/test.ts'

const AWARENESS = 1

/** A y-websocket awareness message with one entry. */
function awarenessFrame(clientId: number, clock: number, state: object): Uint8Array {
  const inner = encoding.createEncoder()
  encoding.writeVarUint(inner, 1)
  encoding.writeVarUint(inner, clientId)
  encoding.writeVarUint(inner, clock)
  encoding.writeVarString(inner, JSON.stringify(state))
  const outer = encoding.createEncoder()
  encoding.writeVarUint(outer, AWARENESS)
  encoding.writeVarUint8Array(outer, encoding.toUint8Array(inner))
  return encoding.toUint8Array(outer)
}

/** Every awareness state a raw /yjs socket has been sent, by client id (the latest wins). */
function awarenessSeen(ws: WebSocket): Map<number, Record<string, unknown> | null> {
  const seen = new Map<number, Record<string, unknown> | null>()
  ws.on('message', (data: Buffer) => {
    const d = decoding.createDecoder(new Uint8Array(data))
    if (decoding.readVarUint(d) !== AWARENESS) return
    const inner = decoding.createDecoder(decoding.readVarUint8Array(d))
    const count = decoding.readVarUint(inner)
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(inner)
      decoding.readVarUint(inner)
      seen.set(clientId, JSON.parse(decoding.readVarString(inner)) as Record<string, unknown> | null)
    }
  })
  return seen
}

test('a participant who declines is not recorded, whoever claims their id', async ({ room, join: open, server }) => {
  test.setTimeout(120_000)
  const interviewer = await open(room.links.interviewer, 'Ivy')
  const candidate = await open(room.links.candidate, 'Cam')
  await Promise.all([interviewer.ready(), candidate.ready()])
  await new AudioBar(interviewer.page).join()
  await new AudioBar(candidate.page).join()

  await interviewer.page.getByRole('button', { name: 'Record', exact: true }).click()
  await interviewer.page.getByRole('button', { name: 'Record my audio', exact: true }).click()
  await expect(interviewer.page.getByTestId('recording')).toHaveAttribute('data-recorder', 'recording', {
    timeout: 15_000,
  })
  // Cam says no, in the browser.
  await candidate.page.getByRole('button', { name: 'Don’t record my audio' }).click()

  // Attackers — the observer's link, and a second tab on Cam's own link — read Cam's id from
  // presence and claim it in their handshakes, then consent, "mute" and upload as Cam.
  const sockets: Socket[] = []
  let camId = ''
  try {
    for (const token of [room.tokens.observer, room.tokens.candidate]) {
      const socket = io(server.url, {
        auth: {
          roomId: room.roomId,
          token,
          name: 'Mallory',
          userId: camId || 'probe',
          protocolVersion: PROTOCOL_VERSION,
        },
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      })
      sockets.push(socket)
      const hello = new Promise<HelloPayload>((resolve) => socket.once(SocketEvent.Hello, resolve))
      const snapshot = new Promise<Participant[]>((resolve) =>
        socket.once(SocketEvent.PresenceSnapshot, ({ participants }: { participants: Participant[] }) =>
          resolve(participants)
        )
      )
      const you = (await hello).you
      camId ||= (await snapshot).find((p) => p.role === 'candidate' && p.name === 'Cam')!.userId
      expect(camId).toBeTruthy()
      expect(you.userId).not.toBe(camId)
      // Naming Cam in the payload is refused outright; consent without a name applies to the sender.
      expect(await socket.emitWithAck(RecordingEvent.Consent, { consent: true, userId: camId })).toMatchObject({
        ok: false,
      })
      expect(await socket.emitWithAck(RecordingEvent.Consent, { consent: true })).toMatchObject({ ok: true })
      expect(await socket.emitWithAck(AudioEvent.State, { joined: true, muted: true })).toMatchObject({ ok: true })
    }

    // An upload as Cam from the candidate's link without Cam's tab secret: no consent, no track.
    const forgedTrack = await fetch(`${server.url}/api/rooms/${room.roomId}/recordings`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${room.tokens.candidate}`,
        [TAB_SECRET_HEADER]: 'a-tab-secret-that-is-not-cams',
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ trackId: 'forged-track-0001', name: 'Cam', mimeType: 'audio/webm;codecs=opus' }),
    })
    expect(forgedTrack.status).toBe(409)

    // A forged mute in awareness: the relay stamps the sender's own id on it.
    const url = `${server.url.replace('http', 'ws')}/yjs/${room.roomId}?token=${room.tokens.observer}`
    const forger = new WebSocket(url)
    const watcher = new WebSocket(`${url}&tab=watcher-tab-secret-0000001`)
    const seen = awarenessSeen(watcher)
    await Promise.all([forger, watcher].map((ws) => new Promise((resolve) => ws.once('open', resolve))))
    forger.send(
      awarenessFrame(424242, 1, { user: { userId: camId, name: 'Cam' }, audio: { joined: true, muted: true } })
    )
    await expect.poll(() => seen.has(424242)).toBe(true)
    expect((seen.get(424242)?.user as { userId: string }).userId).not.toBe(camId)
    forger.close()
    watcher.close()
    await interviewer.page.getByRole('tab', { name: /People/ }).click()
    const camInPanel = interviewer.page.getByTestId('participant').filter({ hasText: 'Cam' })
    await expect(camInPanel.locator('.audio-flag')).toHaveClass(/audio-(live|speaking)/)
  } finally {
    for (const socket of sockets) socket.disconnect()
  }

  const timeline = async () =>
    (await (
      await fetch(`${server.url}/api/rooms/${room.roomId}/timeline`, {
        headers: { Authorization: `Bearer ${room.tokens.interviewer}` },
      })
    ).json()) as { audio: Array<{ userId: string; role: string; chunks: number }> }
  // Time passes while recording: Ivy's chunks arrive; nothing of Cam's is ever stored.
  await expect
    .poll(async () => (await timeline()).audio.find((t) => t.role === 'interviewer')?.chunks ?? 0, {
      timeout: 30_000,
    })
    .toBeGreaterThanOrEqual(2)
  await expect(candidate.page.getByTestId('recording')).toHaveAttribute('data-recorder', 'idle')
  const { audio } = await timeline()
  expect(audio.filter((t) => t.role === 'candidate' || t.userId === camId)).toEqual([])
  const state = (await (
    await fetch(`${server.url}/api/rooms/${room.roomId}/session`, {
      headers: { Authorization: `Bearer ${room.tokens.candidate}` },
    })
  ).json()) as { role: string }
  expect(state.role).toBe('candidate')
})
