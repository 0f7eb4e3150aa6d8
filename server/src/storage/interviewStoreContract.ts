import { Role, TimelineEventType, type TimelineEvent } from '@loopboard/protocol'
import { getPrompt } from '@loopboard/prompts'
import { afterEach, describe, expect, it } from 'vitest'
import type { AsyncStorage } from './AsyncStorage.ts'
import type { InterviewStore } from './InterviewStore.ts'

/** A fresh, empty backend for one test: the store, the rooms it belongs to, and how to close both. */
export interface StoreUnderTest<S> {
  store: S
  /** Rooms (the stores' rows reference them) on the same database. */
  storage: AsyncStorage
  /** The interview store on the same database (where recording events go). */
  interview: InterviewStore
  close(): Promise<void>
}

const hashes = (id: string): Record<Role, string> => ({
  interviewer: `${id}-i`,
  candidate: `${id}-c`,
  observer: `${id}-o`,
})

/** Open a backend with rooms `ids`, closed after the test. */
export function openWithRooms<S>(open: () => Promise<StoreUnderTest<S>>) {
  const opened: Array<StoreUnderTest<S>> = []
  afterEach(async () => {
    for (const o of opened.splice(0)) await o.close()
  })
  return async (...ids: string[]) => {
    const o = await open()
    opened.push(o)
    for (const id of ids) await o.storage.createRoom({ id, title: id, createdAt: 1 }, hashes(id))
    return o
  }
}

const hint = (ts: number): TimelineEvent => ({ ts, type: TimelineEventType.HintRevealed, data: { hintIndex: ts } })
const joined = (ts: number): TimelineEvent => ({
  ts,
  type: TimelineEventType.Joined,
  data: { userId: `u${ts}`, name: 'Ada', role: Role.Candidate },
})

/**
 * What every {@link InterviewStore} must do, run against the embedded SQLite and a real Postgres
 * (`stores.contract.test.ts`).
 */
export function interviewStoreContract(name: string, open: () => Promise<StoreUnderTest<InterviewStore>>): void {
  describe(`${name}: interview store contract`, () => {
    const withRooms = openWithRooms(open)

    it('changes a room’s state with its event in one step; a refusal or no change stores nothing', async () => {
      const { store } = await withRooms('r1', 'r2')
      expect(await store.loadState('r1')).toBeNull()
      const seen: unknown[] = []
      await store.changeState('r1', (stored) => (seen.push(stored), { state: { n: 1 }, event: hint(10) }), 10)
      await store.changeState('r1', (stored) => (seen.push(stored), { state: { n: 2 }, event: hint(20) }), 20)
      expect(seen).toEqual([null, { n: 1 }])
      await expect(
        store.changeState(
          'r1',
          () => {
            throw new Error('not now')
          },
          30
        )
      ).rejects.toThrow('not now')
      expect(await store.changeState('r1', () => null, 40)).toBeNull()
      expect(await store.loadState('r1')).toEqual({ n: 2 })
      expect(await store.events('r1')).toEqual([hint(10), hint(20)])
      // Per room.
      expect(await store.loadState('r2')).toBeNull()
      expect(await store.events('r2')).toEqual([])
    })

    it('applies concurrent commands one after the other, each to the state the previous one left', async () => {
      const { store } = await withRooms('r1')
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          store.changeState(
            'r1',
            (stored) => {
              const n = (stored as { n: number } | null)?.n ?? 0
              return { state: { n: n + 1 }, event: hint(i) }
            },
            i
          )
        )
      )
      expect(await store.loadState('r1')).toEqual({ n: 40 })
      expect(await store.events('r1')).toHaveLength(40)
    })

    it('keeps a room’s own prompts in the order they were added', async () => {
      const { store } = await withRooms('r1', 'r2')
      const base = getPrompt('design-spotify')!
      await store.addCustomPrompt('r1', { ...base, id: 'custom-b', title: 'B' }, 2)
      await store.addCustomPrompt('r1', { ...base, id: 'custom-a', title: 'A' }, 3)
      expect((await store.customPrompts('r1')).map((p) => [p.id, p.title])).toEqual([
        ['custom-b', 'B'],
        ['custom-a', 'A'],
      ])
      expect(await store.customPrompts('r1')).toEqual([
        { ...base, id: 'custom-b', title: 'B' },
        { ...base, id: 'custom-a', title: 'A' },
      ])
      expect(await store.customPrompts('r2')).toEqual([])
    })

    it('numbers notes in the order written, per author', async () => {
      const { store } = await withRooms('r1')
      const a = await store.addNote('r1', Role.Interviewer, {
        text: 'first',
        createdAt: 5,
        sessionMs: null,
        shapeId: null,
        round: 1,
      })
      const b = await store.addNote('r1', Role.Observer, {
        text: 'theirs',
        createdAt: 6,
        sessionMs: 100,
        shapeId: 'shape:x',
        round: 2,
      })
      const c = await store.addNote('r1', Role.Interviewer, {
        text: 'second',
        createdAt: 7,
        sessionMs: 2_000,
        shapeId: 'shape:y',
        round: 1,
      })
      expect(b.id).toBeGreaterThan(a.id)
      expect(c.id).toBeGreaterThan(b.id)
      expect(await store.notes('r1', Role.Interviewer)).toEqual([a, c])
      expect(await store.notes('r1', Role.Observer)).toEqual([
        { id: b.id, text: 'theirs', createdAt: 6, sessionMs: 100, shapeId: 'shape:x', round: 2 },
      ])
      expect(await store.notes('r1', Role.Candidate)).toEqual([])
    })

    it('keeps one scorecard and one feedback per author and round, the latest', async () => {
      const { store } = await withRooms('r1')
      const card = (summary: string) => ({
        scores: { 'problem-solving': { score: 3, comment: 'ok' } },
        recommendation: 'yes' as const,
        summary,
      })
      await store.saveScorecard('r1', Role.Interviewer, 1, card('one'), 1)
      await store.saveScorecard('r1', Role.Interviewer, 1, card('two'), 2)
      await store.saveScorecard('r1', Role.Interviewer, 2, card('round 2'), 3)
      expect(await store.scorecard('r1', Role.Interviewer, 1)).toEqual(card('two'))
      expect(await store.scorecard('r1', Role.Interviewer, 2)).toEqual(card('round 2'))
      expect(await store.scorecard('r1', Role.Candidate, 1)).toBeNull()

      await store.publishFeedback('r1', Role.Candidate, { markdown: 'second round', publishedAt: 30, round: 2 })
      await store.publishFeedback('r1', Role.Interviewer, { markdown: 'draft', publishedAt: 10, round: 1 })
      await store.publishFeedback('r1', Role.Interviewer, { markdown: 'final', publishedAt: 20, round: 1 })
      expect(await store.feedback('r1', Role.Interviewer, 1)).toEqual({ markdown: 'final', publishedAt: 20, round: 1 })
      expect(await store.feedback('r1', Role.Interviewer, 2)).toBeNull()
      expect(await store.allFeedback('r1')).toEqual([
        { authorSeat: Role.Interviewer, round: 1, markdown: 'final', publishedAt: 20 },
        { authorSeat: Role.Candidate, round: 2, markdown: 'second round', publishedAt: 30 },
      ])
    })

    it('keeps drafts per author, round and kind; null drops one', async () => {
      const { store } = await withRooms('r1')
      await store.saveDraft('r1', Role.Interviewer, 1, 'note', 'typing', 1)
      await store.saveDraft('r1', Role.Interviewer, 1, 'note', 'typing more', 2)
      await store.saveDraft('r1', Role.Interviewer, 1, 'scorecard', '{"summary":""}', 3)
      await store.saveDraft('r1', Role.Interviewer, 2, 'note', 'next round', 4)
      await store.saveDraft('r1', Role.Observer, 1, 'note', 'observer', 5)
      expect(await store.drafts('r1', Role.Interviewer, 1)).toEqual({
        note: 'typing more',
        scorecard: '{"summary":""}',
      })
      await store.saveDraft('r1', Role.Interviewer, 1, 'note', null, 6)
      await store.saveDraft('r1', Role.Interviewer, 1, 'note', null, 7)
      expect(await store.drafts('r1', Role.Interviewer, 1)).toEqual({ scorecard: '{"summary":""}' })
      expect(await store.drafts('r1', Role.Interviewer, 2)).toEqual({ note: 'next round' })
      expect(await store.drafts('r1', Role.Observer, 1)).toEqual({ note: 'observer' })
      expect(await store.drafts('r1', Role.Candidate, 1)).toEqual({})
    })

    it('reads the timeline in time order, counts events by type and knows its span', async () => {
      const { store } = await withRooms('r1', 'r2')
      expect(await store.eventSpan('r1')).toEqual({ first: null, last: null })
      await store.appendEvent('r1', joined(30))
      await store.appendEvent('r1', hint(10))
      await store.appendEvent('r1', joined(20))
      await store.appendEvent('r1', hint(20))
      await store.appendEvent('r2', joined(5))
      // Time order; events of the same time in the order they were written.
      expect(await store.events('r1')).toEqual([hint(10), joined(20), hint(20), joined(30)])
      expect(await store.countEvents('r1', [TimelineEventType.Joined, TimelineEventType.Left])).toBe(2)
      expect(await store.countEvents('r1', [TimelineEventType.Muted])).toBe(0)
      expect(await store.countEvents('r1', [])).toBe(0)
      expect(await store.eventSpan('r1')).toEqual({ first: 10, last: 30 })
    })

    it('forgets everything of a deleted room', async () => {
      const { store, storage } = await withRooms('r1')
      await store.changeState('r1', () => ({ state: { n: 1 }, event: hint(1) }), 1)
      await store.addNote('r1', Role.Interviewer, { text: 'x', createdAt: 1, sessionMs: null, shapeId: null, round: 1 })
      await store.saveDraft('r1', Role.Interviewer, 1, 'note', 'x', 1)
      expect(await storage.deleteRoom('r1')).toBe(true)
      expect(await store.loadState('r1')).toBeNull()
      expect(await store.events('r1')).toEqual([])
      expect(await store.notes('r1', Role.Interviewer)).toEqual([])
      expect(await store.drafts('r1', Role.Interviewer, 1)).toEqual({})
    })
  })
}
