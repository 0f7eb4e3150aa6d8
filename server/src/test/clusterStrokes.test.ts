import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { boardClient, boardSynced, createClusterRoom, expectSpread, routeKeysForTwoRelays } from './clusterClients.ts'
import { clusterUnavailable, startCluster, type Cluster } from './clusterFixture.ts'
import { docUntil, TestContext, waitFor } from './helpers.ts'

// Issue 12, point 1 (board), through HAProxy: two participants of one room on different relays see
// each other's strokes and cursors (presence, hints and phases: clusterSession.test.ts; the
// relays' fan-out on its own, without HAProxy: clusterBoard.test.ts).
const unavailable = clusterUnavailable()
const CROSS_NODE_MS = 10_000

describe.skipIf(unavailable)('one board on two relays behind HAProxy', () => {
  const ctx = new TestContext()
  let cluster: Cluster
  let keyA: string
  let keyB: string
  beforeAll(async () => {
    cluster = await startCluster(ctx, { relays: 2 })
    ;[keyA, keyB] = await routeKeysForTwoRelays(cluster)
  }, 180_000)
  afterAll(() => ctx.cleanup(), 60_000)

  it('strokes and cursors cross relays both ways', async () => {
    const room = await createClusterRoom(cluster)
    const ivy = boardClient(ctx, cluster, room.roomId, room.tokens.interviewer, keyA)
    const cam = boardClient(ctx, cluster, room.roomId, room.tokens.candidate, keyB)
    await Promise.all([boardSynced(ivy), boardSynced(cam)])
    await expectSpread(cluster, 'yjs')

    ivy.doc.getMap('records').set('shape:ivy', { type: 'geo', x: 10, y: 20 })
    await docUntil(cam.doc, (d) => d.getMap('records').has('shape:ivy'), 'cam to see ivy’s shape', CROSS_NODE_MS)
    cam.doc.getMap('records').set('shape:cam', { type: 'draw', x: 30, y: 40 })
    await docUntil(ivy.doc, (d) => d.getMap('records').has('shape:cam'), 'ivy to see cam’s shape', CROSS_NODE_MS)
    expect(ivy.doc.getMap('records').toJSON()).toEqual(cam.doc.getMap('records').toJSON())

    // Cursors ride awareness: each sees the other's, as sent.
    ivy.provider.awareness.setLocalStateField('cursor', { x: 101, y: 202 })
    cam.provider.awareness.setLocalStateField('cursor', { x: 303, y: 404 })
    const cursors = (client: typeof ivy) =>
      [...client.provider.awareness.getStates().entries()]
        .filter(([id]) => id !== client.doc.clientID)
        .map(([, state]) => state.cursor as unknown)
    await waitFor(
      () => cursors(cam).some((c) => JSON.stringify(c) === '{"x":101,"y":202}'),
      'cam to see ivy’s cursor',
      CROSS_NODE_MS
    )
    await waitFor(
      () => cursors(ivy).some((c) => JSON.stringify(c) === '{"x":303,"y":404}'),
      'ivy to see cam’s cursor',
      CROSS_NODE_MS
    )
    ivy.provider.awareness.setLocalStateField('cursor', { x: 111, y: 222 })
    await waitFor(
      () => cursors(cam).some((c) => JSON.stringify(c) === '{"x":111,"y":222}'),
      'cam to see ivy’s cursor move',
      CROSS_NODE_MS
    )
  }, 60_000)
})
