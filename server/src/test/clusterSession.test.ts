import { ControlAction, InterviewEvent, type InterviewView } from '@loopboard/protocol'
import { getPrompt } from '@loopboard/prompts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createClusterRoom,
  expectSpread,
  presenceOf,
  roomSocket,
  type RoomSocket,
  routeKeysForTwoRelays,
} from './clusterClients.ts'
import { clusterUnavailable, startCluster, type Cluster } from './clusterFixture.ts'
import { TestContext, waitFor } from './helpers.ts'

// Issue 12, point 1 (control plane): two participants of one room on different relays see each
// other's presence, hints and phase changes (strokes and cursors: clusterBoard.test.ts).
const unavailable = clusterUnavailable()
const SPOTIFY = getPrompt('design-spotify')!
const CROSS_NODE_MS = 10_000

describe.skipIf(unavailable)('one room on two relays', () => {
  const ctx = new TestContext()
  let cluster: Cluster
  let keyA: string
  let keyB: string
  beforeAll(async () => {
    cluster = await startCluster(ctx, { relays: 2 })
    ;[keyA, keyB] = await routeKeysForTwoRelays(cluster)
  }, 180_000)
  afterAll(() => ctx.cleanup(), 60_000)

  it('presence, hints and phases cross relays', async () => {
    const room = await createClusterRoom(cluster)
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
    await expectSpread(cluster, 'socketio')
    const names = (client: RoomSocket) =>
      presenceOf(client)
        .map((p) => p.name)
        .sort()
    await waitFor(() => names(ivy).join() === 'Cam,Ivy', 'ivy to see cam present', CROSS_NODE_MS)
    await waitFor(() => names(cam).join() === 'Cam,Ivy', 'cam to see ivy present', CROSS_NODE_MS)

    expect(await ivy.send(InterviewEvent.SetPrompt, { promptId: SPOTIFY.id })).toEqual({ ok: true })
    expect(await ivy.send(InterviewEvent.Control, { action: ControlAction.Start })).toEqual({ ok: true })
    expect(await ivy.send(InterviewEvent.RevealHint)).toEqual({ ok: true })
    const camView = () => cam.last<InterviewView>(InterviewEvent.State)
    await waitFor(
      () => camView()?.prompt?.id === SPOTIFY.id && camView()?.revealedHints.length === 1,
      'cam to see the prompt and the first hint',
      CROSS_NODE_MS
    )
    expect(camView()!.revealedHints).toEqual([SPOTIFY.hints[0]])
    expect(camView()!.status).toBe('running')

    expect(await ivy.send(InterviewEvent.Control, { action: ControlAction.NextPhase })).toEqual({ ok: true })
    await waitFor(() => camView()?.phaseIndex === 1, 'cam to see the next phase', CROSS_NODE_MS)
    // Commands from the other relay's side reach the first one too (the candidate cannot run the
    // interview, so a second interviewer tab on relay B runs it).
    const ivy2 = await roomSocket(ctx, cluster, {
      roomId: room.roomId,
      token: room.tokens.interviewer,
      name: 'Ivy',
      routeKey: keyB,
    })
    expect(await ivy2.send(InterviewEvent.RevealHint)).toEqual({ ok: true })
    await waitFor(
      () => ivy.last<InterviewView>(InterviewEvent.State)?.revealedHints.length === 2,
      'ivy (relay A) to see hint 2',
      CROSS_NODE_MS
    )
    await waitFor(() => camView()?.revealedHints.length === 2, 'cam to see hint 2', CROSS_NODE_MS)
    expect(camView()!.revealedHints).toEqual(SPOTIFY.hints.slice(0, 2))

    cam.socket.disconnect()
    await waitFor(() => !names(ivy).includes('Cam'), 'ivy to see cam leave', CROSS_NODE_MS)
  }, 60_000)
})
