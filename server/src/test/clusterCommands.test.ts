import {
  ControlAction,
  InterviewEvent,
  TimelineEventType,
  type CommandAck,
  type InterviewView,
  type Timeline,
} from '@loopboard/protocol'
import { getPrompt } from '@loopboard/prompts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clusterApi, createClusterRoom, expectSpread, roomSocket, routeKeysForTwoRelays } from './clusterClients.ts'
import { clusterUnavailable, startCluster, type Cluster } from './clusterFixture.ts'
import { TestContext, waitFor } from './helpers.ts'

// Issue 12, point 5: 200 concurrent interview commands spread over two relays produce exactly the
// expected state: no hint revealed twice or lost, no phase skipped or repeated.
const unavailable = clusterUnavailable()
const SPOTIFY = getPrompt('design-spotify')!
const COMMANDS = 200

describe.skipIf(unavailable)('interview commands from two relays at once', () => {
  const ctx = new TestContext()
  let cluster: Cluster
  beforeAll(async () => {
    cluster = await startCluster(ctx, { relays: 2 })
  }, 180_000)
  afterAll(() => ctx.cleanup(), 60_000)

  it(`${COMMANDS} hint reveals and phase moves, half on each relay, apply exactly once each`, async () => {
    const room = await createClusterRoom(cluster)
    const [keyA, keyB] = await routeKeysForTwoRelays(cluster)
    const token = room.tokens.interviewer
    const onA = await roomSocket(ctx, cluster, { roomId: room.roomId, token, name: 'Ivy', routeKey: keyA })
    const onB = await roomSocket(ctx, cluster, { roomId: room.roomId, token, name: 'Ivy', routeKey: keyB })
    await expectSpread(cluster, 'socketio')
    expect(await onA.send(InterviewEvent.SetPrompt, { promptId: SPOTIFY.id })).toEqual({ ok: true })
    expect(await onB.send(InterviewEvent.Control, { action: ControlAction.Start })).toEqual({ ok: true })

    // Redis held still while the commands run, so what the relays tell each other arrives only
    // after every command was applied (as when one relay's news lags on a loaded machine): each
    // socket must still end on the last state, never going back to an older one on the way.
    const redisPid = cluster.pids().redis[0]!
    process.kill(redisPid, 'SIGSTOP')
    const resume = () => {
      try {
        process.kill(redisPid, 'SIGCONT')
      } catch {
        // already gone
      }
    }
    ctx.onCleanup(resume)

    // All at once, interleaved: reveal a hint / next phase, from relay A / relay B.
    const sent: Array<{ kind: 'hint' | 'phase'; ack: Promise<CommandAck> }> = []
    for (let i = 0; i < COMMANDS; i++) {
      const socket = i % 2 ? onB : onA
      const kind = i % 4 < 2 ? 'hint' : 'phase'
      sent.push({
        kind,
        ack:
          kind === 'hint'
            ? socket.send(InterviewEvent.RevealHint, {}, 60_000)
            : socket.send(InterviewEvent.Control, { action: ControlAction.NextPhase }, 60_000),
      })
    }
    const acks = await Promise.all(sent.map(async (s) => ({ kind: s.kind, ack: await s.ack })))
    resume()
    const applied = (kind: 'hint' | 'phase') => acks.filter((a) => a.kind === kind && a.ack.ok).length
    // Each succeeds exactly as often as there is something left to do; every other one is refused.
    expect(applied('hint')).toBe(SPOTIFY.hints.length)
    expect(applied('phase')).toBe(SPOTIFY.phases.length - 1)
    for (const { ack } of acks.filter((a) => !a.ack.ok))
      expect(ack).toMatchObject({ ok: false, error: expect.any(String) })

    // Every socket on either relay ends on the same, exact state.
    const expected = { revealedHints: SPOTIFY.hints, phaseIndex: SPOTIFY.phases.length - 1, status: 'running' }
    for (const socket of [onA, onB]) {
      await waitFor(
        () => socket.last<InterviewView>(InterviewEvent.State)?.revealedHints.length === SPOTIFY.hints.length,
        'the final state on both relays',
        15_000
      )
      await waitFor(
        () => socket.last<InterviewView>(InterviewEvent.State)?.phaseIndex === expected.phaseIndex,
        'the final phase on both relays',
        15_000
      )
      expect(socket.last<InterviewView>(InterviewEvent.State)).toMatchObject(expected)
      // Never an older state after a newer one: each relay reads what it sends its own sockets.
      const progress = socket
        .payloads<InterviewView>(InterviewEvent.State)
        .map((view) => view.revealedHints.length * 100 + view.phaseIndex)
      expect(progress).toEqual(progress.toSorted((a, b) => a - b))
    }
    const fresh = await roomSocket(ctx, cluster, { roomId: room.roomId, token, name: 'Ivy', routeKey: keyA })
    await waitFor(() => fresh.last(InterviewEvent.State) !== undefined, 'a fresh socket’s state', 15_000)
    expect(fresh.last<InterviewView>(InterviewEvent.State)).toMatchObject(expected)

    // The stored history holds each applied command once, in order.
    const res = await clusterApi(cluster, token, onA.tab)(`${room.roomId}/timeline`)
    expect(res.status).toBe(200)
    const { events } = (await res.json()) as Timeline
    const hints = events.filter((e) => e.type === TimelineEventType.HintRevealed)
    const phases = events.filter((e) => e.type === TimelineEventType.InterviewNextPhase)
    expect(hints).toHaveLength(SPOTIFY.hints.length)
    expect(phases.map((e) => (e.data as { phaseIndex: number }).phaseIndex)).toEqual(
      SPOTIFY.phases.slice(1).map((_, i) => i + 1)
    )
  }, 180_000)
})
