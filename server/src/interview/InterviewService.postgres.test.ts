import { ControlAction, Role, TimelineEventType } from '@loopboard/protocol'
import { getPrompt } from '@loopboard/prompts'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { DomainError } from '../DomainError.ts'
import { RoomService } from '../rooms/RoomService.ts'
import { PostgresInterviewStore } from '../storage/postgres/PostgresInterviewStore.ts'
import { PostgresStorage } from '../storage/postgres/PostgresStorage.ts'
import { startPostgres, type PostgresCluster } from '../test/postgresFixture.ts'
import { missingService, postgresBinDir } from '../test/serviceBinaries.ts'
import { InterviewService, type InterviewChange } from './InterviewService.ts'

const skip = postgresBinDir() ? null : missingService('Postgres', 'apt-get install postgresql, or set POSTGRES_BIN_DIR')
const SPOTIFY = getPrompt('design-spotify')!

let cluster: PostgresCluster | null = null
beforeAll(async () => {
  if (!skip) cluster = await startPostgres()
}, 90_000)
afterAll(async () => {
  await cluster?.stop()
})
const opened: PostgresStorage[] = []
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close()
})

/** Two relays' interview services on one database: each its own pool, neither trusting memory. */
async function twoNodes() {
  const url = await cluster!.createDatabase()
  const nodes = await Promise.all(
    [1, 2].map(async () => {
      const storage = await PostgresStorage.open({ url })
      opened.push(storage)
      const changes: InterviewChange[] = []
      const service = new InterviewService({
        store: new PostgresInterviewStore(storage.pool),
        rooms: new RoomService(storage),
        soleWriter: false,
        onChange: (_roomId, change) => changes.push(change),
      })
      return { storage, service, changes }
    })
  )
  await nodes[0]!.storage.createRoom(
    { id: 'r1', title: 'One', createdAt: 1 },
    { interviewer: 'i', candidate: 'c', observer: 'o' }
  )
  return nodes
}

describe.skipIf(skip)('the interview on Postgres, from two relays', () => {
  it('applies 200 concurrent hints and phase changes from two nodes exactly once each', async () => {
    const [a, b] = await twoNodes()
    await a!.service.setPrompt('r1', SPOTIFY.id)
    await b!.service.control('r1', ControlAction.Start)
    // 100 hint reveals and 100 next-phase commands, alternating between the nodes, all at once:
    // exactly as many succeed as the prompt has hints and later phases; the rest are refused.
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) => {
        const node = i % 2 === 0 ? a! : b!
        return i % 4 < 2 ? node.service.revealHint('r1') : node.service.control('r1', ControlAction.NextPhase)
      })
    )
    const refused = results.filter((r) => r.status === 'rejected')
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(DomainError)
    expect(results.length - refused.length).toBe(SPOTIFY.hints.length + SPOTIFY.phases.length - 1)

    // Both nodes read the same state, the one every command left.
    for (const node of [a!, b!]) {
      expect(await node.service.state('r1')).toMatchObject({
        status: 'running',
        phaseIndex: SPOTIFY.phases.length - 1,
        hintsRevealed: SPOTIFY.hints.length,
      })
      expect((await node.service.view('r1', Role.Candidate)).revealedHints).toEqual(SPOTIFY.hints)
    }
    const events = await a!.service.events('r1')
    const hints = events.filter((e) => e.type === TimelineEventType.HintRevealed)
    expect(hints.map((e) => e.data)).toEqual(SPOTIFY.hints.map((_, hintIndex) => ({ hintIndex })))
    const phases = events.filter((e) => e.type === TimelineEventType.InterviewNextPhase)
    expect(phases.map((e) => e.data.phaseIndex)).toEqual(SPOTIFY.phases.slice(1).map((_, i) => i + 1))
    // Every change was stored once, with its own version.
    const { rows } = await a!.storage.pool.query<{ version: number }>(
      "SELECT version FROM interview_state WHERE room_id = 'r1'"
    )
    expect(rows[0]!.version).toBe(2 + SPOTIFY.hints.length + SPOTIFY.phases.length - 1)
    // Each success was announced by the node that applied it, and nothing refused was.
    const announced = [...a!.changes, ...b!.changes].filter((c) => c.kind === 'state')
    expect(announced).toHaveLength(2 + SPOTIFY.hints.length + SPOTIFY.phases.length - 1)
  })

  it('reads a change made on the other node at once: nothing is answered from a stale memory', async () => {
    const [a, b] = await twoNodes()
    expect((await b!.service.view('r1', Role.Interviewer)).prompt).toBeNull()
    await a!.service.setPrompt('r1', SPOTIFY.id)
    await a!.service.revealHint('r1')
    expect((await b!.service.view('r1', Role.Candidate)).revealedHints).toEqual(SPOTIFY.hints.slice(0, 1))
    const own = await b!.service.addCustomPrompt('r1', {
      title: 'Own',
      statement: 'Design a thing.',
      track: 'backend',
      difficulty: 'medium',
      tags: ['Mine'],
      durationMinutes: 45,
      hints: ['only hint'],
      guidance: '',
    })
    await a!.service.setPrompt('r1', own.id)
    expect(await b!.service.state('r1')).toMatchObject({ promptId: own.id, hintsRevealed: 0 })
  })
})
