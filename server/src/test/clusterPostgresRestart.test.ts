import { randomBytes, randomUUID } from 'node:crypto'
import {
  ControlAction,
  InterviewEvent,
  RecordingEvent,
  TimelineEventType,
  type InterviewView,
  type RecordingState,
  type Timeline,
} from '@loopboard/protocol'
import { getPrompt } from '@loopboard/prompts'
import { NOT_SAVING_AFTER_MS } from '../../../apps/web/src/room/watchBoardSaving.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  boardAcrossRelays,
  boardSynced,
  clusterApi,
  docContent,
  docFromPostgres,
  roomSocket,
  type RoomSocket,
} from './clusterClients.ts'
import { clusterUnavailable, eventually, startCluster, type Cluster } from './clusterFixture.ts'
import { docUntil, TestContext, waitFor } from './helpers.ts'

// Issue 12, point 4: Postgres stopped with `pg_ctl stop -m immediate`, then everything restarted:
// boards, interview state and recordings are what they were. While Postgres is down the clients
// are told their edits are not being saved, and nothing they send is acknowledged then forgotten.
const unavailable = clusterUnavailable()
const SPOTIFY = getPrompt('design-spotify')!
const MIME = 'audio/webm;codecs=opus'
/** The timeline events that are the interview's and the recording's own (joins and leaves are not). */
const KEPT = new Set<string>([
  TimelineEventType.PromptSet,
  TimelineEventType.InterviewStart,
  TimelineEventType.HintRevealed,
  TimelineEventType.InterviewNextPhase,
  TimelineEventType.InterviewPause,
  TimelineEventType.RecordingStarted,
  TimelineEventType.RecordingConsent,
])

describe.skipIf(unavailable)('Postgres stopped immediately, then everything restarted', () => {
  const ctx = new TestContext()
  let cluster: Cluster
  beforeAll(async () => {
    cluster = await startCluster(ctx, { relays: 2 })
  }, 180_000)
  afterAll(() => ctx.cleanup(), 60_000)

  it('keeps boards, interview state and recordings; acknowledges nothing while it is down', async () => {
    const { room, writer, watcher, keyA, keyB } = await boardAcrossRelays(ctx, cluster)
    const records = (doc: typeof writer.doc) => doc.getMap<number>('records')
    for (let i = 0; i < 30; i++) records(writer.doc).set(`before-${i}`, i)
    await docUntil(watcher.doc, (d) => records(d).has('before-29'), 'the board to cross relays', 10_000)

    const join = (token: string, name: string, routeKey: string, tab?: string) =>
      roomSocket(ctx, cluster, { roomId: room.roomId, token, name, routeKey, ...(tab ? { tab } : {}) })
    const ivy = await join(room.tokens.interviewer, 'Ivy', keyA)
    const cam = await join(room.tokens.candidate, 'Cam', keyB)
    for (const [event, payload] of [
      [InterviewEvent.SetPrompt, { promptId: SPOTIFY.id }],
      [InterviewEvent.Control, { action: ControlAction.Start }],
      [InterviewEvent.RevealHint, {}],
      [InterviewEvent.RevealHint, {}],
      [InterviewEvent.Control, { action: ControlAction.NextPhase }],
      // Paused, so the clock's elapsed time is the same before and after.
      [InterviewEvent.Control, { action: ControlAction.Pause }],
      [RecordingEvent.Start, {}],
    ] as const)
      expect(await ivy.send(event, payload), event).toEqual({ ok: true })
    expect(await cam.send(RecordingEvent.Consent, { consent: true })).toEqual({ ok: true })

    const camApi = clusterApi(cluster, room.tokens.candidate, cam.tab)
    const ivyApi = clusterApi(cluster, room.tokens.interviewer, ivy.tab)
    const trackId = randomUUID()
    const track = await camApi(`${room.roomId}/recordings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ trackId, name: 'Cam', mimeType: MIME }),
    })
    expect(track.status).toBe(201)
    const chunks = [randomBytes(20_000), randomBytes(12_345)]
    for (const [seq, bytes] of chunks.entries()) {
      const put = await camApi(`${room.roomId}/recordings/${trackId}/chunks/${seq}`, {
        method: 'PUT',
        headers: {
          'content-type': MIME,
          'x-chunk-started-at': String(Date.now()),
          'x-chunk-duration-ms': '4000',
        },
        body: new Uint8Array(bytes),
      })
      expect(put.status).toBe(201)
    }

    const snapshot = async () => {
      const viewer = await join(room.tokens.interviewer, 'Ivy', keyB)
      await waitFor(
        () => viewer.last(InterviewEvent.State) !== undefined && viewer.last(RecordingEvent.State) !== undefined,
        'a fresh socket’s state',
        15_000
      )
      const { serverNow: _now, ...view } = viewer.last<InterviewView>(InterviewEvent.State)!
      viewer.socket.disconnect()
      const timeline = (await (await ivyApi(`${room.roomId}/timeline`)).json()) as Timeline
      const audio = await ivyApi(`${room.roomId}/recordings/${trackId}/audio`)
      return {
        view,
        recording: viewer.last<RecordingState>(RecordingEvent.State),
        events: timeline.events.filter((e) => KEPT.has(e.type)),
        tracks: timeline.audio,
        audio: audio.status === 200 ? Buffer.from(await audio.arrayBuffer()).toString('base64') : audio.status,
      }
    }
    const before = await snapshot()
    expect(before.audio).toBe(Buffer.concat(chunks).toString('base64'))
    expect(before.view.revealedHints).toEqual(SPOTIFY.hints.slice(0, 2))
    const boardBefore = docContent(watcher.doc)

    const closesBefore = writer.closes.length
    await cluster.postgres.stopImmediately()
    // Edits made now cannot be stored: they must not be relayed (acknowledged) and then lost, and
    // the writer must find out. The relay drops the room when a commit fails and cannot load it
    // again, so the board link closes and stays down (an upgrade refused with 503, or a close
    // with 4503): after NOT_SAVING_AFTER_MS the room says "Your edits are not being saved".
    for (let i = 0; i < 10; i++) records(writer.doc).set(`while-down-${i}`, i)
    await waitFor(() => writer.closes.length > closesBefore, 'the writer’s board link to close', 15_000)
    const live = () => writer.provider.wsconnected && writer.provider.synced
    const downSince = Date.now()
    await waitFor(() => live() || Date.now() - downSince > NOT_SAVING_AFTER_MS + 1_000, 'a moment', 10_000)
    expect(live(), 'the board link is back while Postgres is down').toBe(false)
    expect([...records(watcher.doc).keys()].filter((k) => k.startsWith('while-down'))).toEqual([])

    // Restart everything: relays (kill -9), Redis (empty), Postgres (crash recovery).
    for (const relay of cluster.relays) await relay.kill()
    await cluster.redis.kill()
    await cluster.redis.restart()
    await cluster.postgres.restart()
    for (const relay of cluster.relays) await relay.start()
    for (const relay of cluster.relays) await cluster.waitForRelayState(relay.name, 'UP')

    await Promise.all([boardSynced(writer, 30_000), boardSynced(watcher, 30_000)])
    // The writer's offline edits arrive now, sent from its own doc (y-websocket sync).
    await docUntil(watcher.doc, (d) => records(d).has('while-down-9'), 'the edits made while Postgres was down', 15_000)
    expect(docContent(watcher.doc)).toEqual(docContent(writer.doc))
    expect(docContent(watcher.doc)).toEqual({
      ...boardBefore,
      ...Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`while-down-${i}`, i])),
    })
    await eventually(
      async () =>
        JSON.stringify(docContent(await docFromPostgres(cluster.databaseUrl, room.roomId))) ===
        JSON.stringify(docContent(writer.doc)),
      'Postgres to hold the clients’ doc'
    )

    const after = await snapshot()
    expect(after).toEqual(before)
    await waitForSockets([ivy, cam])
  }, 240_000)
})

/** The open sockets come back by themselves (socket.io reconnection through HAProxy). */
function waitForSockets(sockets: RoomSocket[]) {
  return waitFor(() => sockets.every((s) => s.socket.connected), 'the open sockets to reconnect', 30_000)
}
