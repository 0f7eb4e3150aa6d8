import { ControlAction, InterviewEvent, type InterviewView } from '@loopboard/protocol'
import { getPrompt } from '@loopboard/prompts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  boardAcrossRelays,
  boardClient,
  boardSynced,
  createClusterRoom,
  docContent,
  docFromPostgres,
  roomSocket,
} from './clusterClients.ts'
import { CHECK_INTERVAL_MS, clusterUnavailable, eventually, startCluster, type Cluster } from './clusterFixture.ts'
import { docUntil, TestContext, waitFor } from './helpers.ts'

// Issue 12, point 3: `kill -9` of Redis, restarted empty: nothing is lost (Redis never holds the
// only copy) and delivery between relays resumes within 5 s of its return.
const unavailable = clusterUnavailable()
const SPOTIFY = getPrompt('design-spotify')!
const RESUMES_WITHIN_MS = 5_000

describe.skipIf(unavailable)('kill -9 of Redis, restarted empty', () => {
  const ctx = new TestContext()
  let cluster: Cluster
  beforeAll(async () => {
    cluster = await startCluster(ctx, { relays: 2 })
  }, 180_000)
  afterAll(() => ctx.cleanup(), 60_000)

  it('loses nothing, and delivery between relays resumes within 5 s', async () => {
    const { room, writer, watcher, keyA, keyB } = await boardAcrossRelays(ctx, cluster)
    const ivy = await roomSocket(ctx, cluster, {
      roomId: room.roomId,
      token: room.tokens.interviewer,
      name: 'Ivy',
      routeKey: keyA,
    })
    const cam = await roomSocket(ctx, cluster, {
      roomId: room.roomId,
      token: room.tokens.candidate,
      name: 'Cam',
      routeKey: keyB,
    })
    expect(await ivy.send(InterviewEvent.SetPrompt, { promptId: SPOTIFY.id })).toEqual({ ok: true })
    expect(await ivy.send(InterviewEvent.Control, { action: ControlAction.Start })).toEqual({ ok: true })

    const records = (doc: typeof writer.doc) => doc.getMap<number>('records')
    const acknowledged = new Set<string>()
    records(watcher.doc).observe((event) => event.keysChanged.forEach((k) => acknowledged.add(k)))
    for (let i = 0; i < 50; i++) records(writer.doc).set(`before-${i}`, i)
    await docUntil(watcher.doc, (d) => records(d).has('before-49'), 'delivery before the kill', 10_000)

    await cluster.redis.kill()
    // Edits go on while Redis is gone: each relay still commits them to Postgres.
    for (let i = 0; i < 50; i++) records(writer.doc).set(`during-${i}`, i)
    expect(await ivy.send(InterviewEvent.RevealHint)).toEqual({ ok: true })
    // The relays stay in rotation (Redis only degrades them): once several health checks have
    // run without Redis, a new room is still created and opened through HAProxy.
    await new Promise((resolve) => setTimeout(resolve, 4 * CHECK_INTERVAL_MS))
    const newcomer = await createClusterRoom(cluster)
    const late = boardClient(ctx, cluster, newcomer.roomId, newcomer.tokens.interviewer, newcomer.roomId)
    await boardSynced(late)
    records(late.doc).set('opened-without-redis', 1)

    await cluster.redis.restart()
    const back = Date.now()
    // Delivery resumes: a new edit crosses, and whatever was missed is filled in from Postgres.
    records(writer.doc).set('after', 1)
    await docUntil(
      watcher.doc,
      (d) => records(d).has('after'),
      'a board update to cross after Redis returned',
      RESUMES_WITHIN_MS
    )
    expect(await ivy.send(InterviewEvent.RevealHint)).toEqual({ ok: true })
    await waitFor(
      () => cam.last<InterviewView>(InterviewEvent.State)?.revealedHints.length === 2,
      'the candidate on the other relay to see both hints',
      Math.max(1_000, back + RESUMES_WITHIN_MS - Date.now())
    )
    expect(cam.last<InterviewView>(InterviewEvent.State)!.revealedHints).toEqual(SPOTIFY.hints.slice(0, 2))

    await docUntil(watcher.doc, (d) => records(d).size === records(writer.doc).size, 'the watcher to catch up', 15_000)
    expect(docContent(watcher.doc)).toEqual(docContent(writer.doc))
    await eventually(
      async () =>
        JSON.stringify(docContent(await docFromPostgres(cluster.databaseUrl, room.roomId))) ===
        JSON.stringify(docContent(writer.doc)),
      'Postgres to hold the clients’ doc'
    )
    const stored = docContent(await docFromPostgres(cluster.databaseUrl, room.roomId))
    expect([...acknowledged].filter((k) => !(k in stored))).toEqual([])
    expect(Object.keys(stored)).toHaveLength(101)
  }, 120_000)
})
