import {
  ControlAction,
  CustomPromptInputSchema,
  MAX_CUSTOM_PROMPTS,
  MAX_ROUNDS_PER_ROOM,
  Role,
  TimelineEventType,
  type CustomPromptInput,
  type InterviewerView,
  type TimelineEvent,
} from '@loopboard/protocol'
import { PublicPromptSchema, getPrompt, toPublicPrompt } from '@loopboard/prompts'
import { afterEach, describe, expect, it } from 'vitest'
import { RoomService } from '../rooms/RoomService.ts'
import { sqliteInterviewStore } from '../storage/SqliteInterviewStore.ts'
import { openSqliteDatabase } from '../storage/openSqliteDatabase.ts'
import { asyncStorage } from '../storage/AsyncStorage.ts'
import { SqliteStorage } from '../storage/SqliteStorage.ts'
import { buildCustomPrompt } from './customPrompt.ts'
import { DomainError, Refusal } from '../DomainError.ts'
import { initialInterviewState } from './interviewState.ts'
import { InterviewService, type InterviewChange } from './InterviewService.ts'

const SPOTIFY = getPrompt('design-spotify')!

const open: SqliteStorage[] = []
afterEach(() => {
  for (const storage of open.splice(0)) storage.close()
})

/** A service on an in-memory database, wired as createServer wires it, with a clock the test moves. */
async function setup() {
  const database = openSqliteDatabase(':memory:')
  const storage = new SqliteStorage(database)
  open.push(storage)
  const rooms = new RoomService(asyncStorage(storage))
  const store = sqliteInterviewStore(database)
  const clock = { now: 1_000_000 }
  const changes: Array<{ roomId: string; change: InterviewChange }> = []
  const service = new InterviewService({
    store,
    rooms,
    now: () => clock.now,
    onChange: (roomId, change) => changes.push({ roomId, change }),
  })
  const roomId = (await rooms.create('Test room')).room.id
  return { database, storage, rooms, store, clock, changes, service, roomId }
}

const input = (fields: CustomPromptInput) => CustomPromptInputSchema.parse(fields)

describe('custom prompts', () => {
  it('splits every allowed duration into five phases that add up to it', async () => {
    for (let minutes = 15; minutes <= 90; minutes++) {
      const prompt = buildCustomPrompt(input({ title: 'T', statement: 'S', durationMinutes: minutes }))
      expect(prompt.durationMinutes).toBe(minutes)
      expect(prompt.phases).toHaveLength(5)
      expect(
        prompt.phases.reduce((sum, p) => sum + p.minutes, 0),
        `${minutes} minutes`
      ).toBe(minutes)
      for (const phase of prompt.phases) {
        expect(Number.isInteger(phase.minutes)).toBe(true)
        expect(phase.minutes).toBeGreaterThanOrEqual(1)
        expect(phase.goals.length).toBeGreaterThan(0)
      }
      expect(new Set(prompt.phases.map((p) => p.id)).size).toBe(5)
    }
    const phases = buildCustomPrompt(input({ title: 'T', statement: 'S' })).phases
    expect(phases.map((p) => [p.id, p.minutes])).toEqual([
      ['clarify', 6],
      ['estimate', 4],
      ['high-level', 13],
      ['deep-dive', 18],
      ['wrap-up', 4],
    ])
  })

  it('keeps the hints in order, turns guidance into the strong answer, and brings the default rubric', async () => {
    const hints = ['first nudge', 'second nudge', 'near answer']
    const prompt = buildCustomPrompt(
      input({ title: '  Lyrics  ', statement: 'Show lyrics.', hints, guidance: 'Pre-fetch with the manifest.' })
    )
    expect(prompt).toMatchObject({
      title: 'Lyrics',
      statement: 'Show lyrics.',
      track: 'backend',
      difficulty: 'medium',
      tags: ['Custom'],
      durationMinutes: 45,
      hints,
      strongAnswer: ['Pre-fetch with the manifest.'],
      clarifyingQuestions: [],
      estimates: [],
      deepDives: [],
    })
    expect(prompt.id).toMatch(/^custom-[0-9a-f]{8}$/)
    expect(prompt.rubric.map((d) => d.id)).toEqual(['requirements', 'high-level-design', 'deep-dive', 'communication'])
    for (const d of prompt.rubric) expect(d.description.length).toBeGreaterThan(0)
    expect(PublicPromptSchema.parse(toPublicPrompt(prompt))).toMatchObject({ hintCount: 3 })

    const plain = buildCustomPrompt(input({ title: 'T', statement: 'S', tags: ['Queues'], track: 'ml' }))
    expect(plain).toMatchObject({ tags: ['Queues'], track: 'ml', hints: [], strongAnswer: [] })
    expect(plain.id).not.toBe(prompt.id)
  })

  it('holds up to 20 per room, lists them to the interviewer only, and keeps them to their room', async () => {
    const { service, rooms, roomId, changes, clock } = await setup()
    const otherRoom = (await rooms.create(undefined)).room.id
    const ids: string[] = []
    for (let i = 0; i < MAX_CUSTOM_PROMPTS; i++) {
      clock.now += 1
      ids.push((await service.addCustomPrompt(roomId, input({ title: `Prompt ${i}`, statement: 'S' }))).id)
    }
    expect(MAX_CUSTOM_PROMPTS).toBe(20)
    expect(new Set(ids).size).toBe(20)
    await expect(service.addCustomPrompt(roomId, input({ title: 'One too many', statement: 'S' }))).rejects.toThrow(
      new DomainError(Refusal.Conflict, 'A room holds at most 20 prompts of its own.')
    )
    expect(changes.filter((c) => c.roomId === roomId)).toHaveLength(20)

    const mine = (await service.view(roomId, Role.Interviewer)) as InterviewerView
    expect(mine.customPrompts.map((p) => p.id)).toEqual(ids)
    expect(mine.customPrompts[0]).toEqual(toPublicPrompt((await service.prompt(roomId, ids[0]!))!))
    for (const role of [Role.Candidate, Role.Observer])
      expect(await service.view(roomId, role)).not.toHaveProperty('customPrompts')

    // Another room has none, cannot pick them, and may still add its own.
    expect(((await service.view(otherRoom, Role.Interviewer)) as InterviewerView).customPrompts).toEqual([])
    await expect(service.setPrompt(otherRoom, ids[0]!)).rejects.toThrow(`No prompt "${ids[0]}".`)
    expect(await service.prompt(otherRoom, ids[0]!)).toBeNull()
    await service.addCustomPrompt(otherRoom, input({ title: 'Theirs', statement: 'S' }))

    await service.setPrompt(roomId, ids[3]!)
    expect((await service.view(roomId, Role.Candidate)).prompt).toMatchObject({ id: ids[3], title: 'Prompt 3' })
  })
})

describe('views by role', () => {
  it('gives guidance to the interviewer only, and only the revealed hints to everyone', async () => {
    const { service, roomId, clock } = await setup()
    await service.setPrompt(roomId, SPOTIFY.id)
    await service.revealHint(roomId)
    await service.revealHint(roomId)
    clock.now += 5

    const base = {
      round: 1,
      status: 'not-started',
      phaseIndex: 0,
      phaseElapsedMs: 0,
      phaseResumedAt: null,
      sessionStartedAt: null,
      serverNow: clock.now,
      prompt: toPublicPrompt(SPOTIFY),
      revealedHints: SPOTIFY.hints.slice(0, 2),
    }
    expect(await service.view(roomId, Role.Candidate)).toEqual(base)
    expect(await service.view(roomId, Role.Observer)).toEqual(base)
    expect(await service.view(roomId, Role.Interviewer)).toEqual({ ...base, guidance: SPOTIFY, customPrompts: [] })
    const candidateJson = JSON.stringify(await service.view(roomId, Role.Candidate))
    for (const hint of SPOTIFY.hints.slice(2)) expect(candidateJson).not.toContain(JSON.stringify(hint).slice(1, -1))
  })

  it('has no prompt and no hints before one is chosen', async () => {
    const { service, roomId } = await setup()
    expect(await service.view(roomId, Role.Candidate)).toMatchObject({ prompt: null, revealedHints: [] })
    expect(await service.view(roomId, Role.Interviewer)).toMatchObject({ guidance: null, customPrompts: [] })
  })
})

describe('the timeline', () => {
  it('records an event for each command, with server time, and never a note’s text', async () => {
    const { service, store, roomId, clock, changes } = await setup()
    const step = () => (clock.now += 1_000)

    await service.setPrompt(roomId, SPOTIFY.id)
    step()
    await service.control(roomId, ControlAction.Start)
    step()
    await service.control(roomId, ControlAction.Pause)
    step()
    await service.control(roomId, ControlAction.Resume)
    step()
    await service.control(roomId, ControlAction.NextPhase)
    step()
    await service.revealHint(roomId)
    step()
    const note = await service.addNote(roomId, Role.Interviewer, 'SECRET NOTE TEXT', 'shape:box')
    step()
    await service.control(roomId, ControlAction.PreviousPhase)
    step()
    await service.control(roomId, ControlAction.Finish)
    step()
    await service.publishFeedback(roomId, Role.Interviewer, 'Good job')
    step()
    await service.swapRoles(roomId)

    const t0 = 1_000_000
    const events = await store.events(roomId)
    expect(events).toEqual([
      { ts: t0, type: 'prompt-set', data: { promptId: SPOTIFY.id, title: SPOTIFY.title } },
      { ts: t0 + 1_000, type: 'interview-start', data: { phaseIndex: 0, phase: SPOTIFY.phases[0]!.title } },
      { ts: t0 + 2_000, type: 'interview-pause', data: { phaseIndex: 0, phase: SPOTIFY.phases[0]!.title } },
      { ts: t0 + 3_000, type: 'interview-resume', data: { phaseIndex: 0, phase: SPOTIFY.phases[0]!.title } },
      { ts: t0 + 4_000, type: 'interview-next-phase', data: { phaseIndex: 1, phase: SPOTIFY.phases[1]!.title } },
      { ts: t0 + 5_000, type: 'hint-revealed', data: { hintIndex: 0 } },
      { ts: t0 + 6_000, type: 'note-written', data: { noteId: note.id, shapeId: 'shape:box' } },
      { ts: t0 + 7_000, type: 'interview-previous-phase', data: { phaseIndex: 0, phase: SPOTIFY.phases[0]!.title } },
      { ts: t0 + 8_000, type: 'interview-finish', data: { phaseIndex: 0, phase: SPOTIFY.phases[0]!.title } },
      { ts: t0 + 9_000, type: 'feedback-published', data: { round: 1 } },
      { ts: t0 + 10_000, type: 'roles-swapped', data: { round: 2 } },
    ])
    expect(JSON.stringify(events)).not.toContain('SECRET')
    expect(JSON.stringify(events)).not.toContain('Good job')

    expect(changes.map((c) => c.change)).toEqual([
      ...Array.from({ length: 6 }, () => ({ kind: 'state' })),
      { kind: 'notes', seat: Role.Interviewer },
      { kind: 'state' },
      { kind: 'state' },
      { kind: 'feedback', seat: Role.Interviewer },
      { kind: 'state' },
      { kind: 'roles-swapped' },
    ])
  })

  it('records nothing and announces nothing for a refused command', async () => {
    const { service, store, roomId, changes } = await setup()
    await expect(service.control(roomId, ControlAction.Start)).rejects.toThrow('Choose a prompt before starting.')
    await expect(service.revealHint(roomId)).rejects.toThrow('Choose a prompt first.')
    await expect(service.setPrompt(roomId, 'no-such-prompt')).rejects.toThrow(DomainError)
    await service.setPrompt(roomId, SPOTIFY.id)
    for (let i = 0; i < SPOTIFY.hints.length; i++) await service.revealHint(roomId)
    const events = (await store.events(roomId)).length
    const announced = changes.length
    const state = await service.state(roomId)
    await expect(service.revealHint(roomId)).rejects.toThrow('Every hint is already revealed.')
    await expect(service.control(roomId, ControlAction.Pause)).rejects.toThrow(DomainError)
    expect(await store.events(roomId)).toHaveLength(events)
    expect(changes).toHaveLength(announced)
    expect(await service.state(roomId)).toBe(state)
  })

  it('keeps the revealed hints when the same prompt is chosen again, and resets them for another', async () => {
    const { service, roomId } = await setup()
    await service.setPrompt(roomId, SPOTIFY.id)
    await service.revealHint(roomId)
    await service.setPrompt(roomId, SPOTIFY.id)
    expect((await service.state(roomId)).hintsRevealed).toBe(1)
    await service.setPrompt(roomId, 'audio-streaming-service')
    expect(await service.state(roomId)).toMatchObject({ promptId: 'audio-streaming-service', hintsRevealed: 0 })
  })
})

describe('notes, scorecards, feedback', () => {
  it('stamps notes with the session time once started, and keeps each seat’s notes apart', async () => {
    const { service, roomId, clock } = await setup()
    const early = await service.addNote(roomId, Role.Interviewer, 'before', null)
    expect(early).toMatchObject({ text: 'before', sessionMs: null, shapeId: null, round: 1, createdAt: clock.now })
    await service.setPrompt(roomId, SPOTIFY.id)
    await service.control(roomId, ControlAction.Start)
    clock.now += 90_000
    const later = await service.addNote(roomId, Role.Interviewer, 'after', 'shape:a')
    expect(later).toMatchObject({ sessionMs: 90_000, shapeId: 'shape:a' })
    expect(await service.notes(roomId, Role.Interviewer)).toEqual([early, later])
    expect(await service.notes(roomId, Role.Candidate)).toEqual([])
  })

  it('refuses a swap past MAX_ROUNDS_PER_ROOM, changing nothing', async () => {
    const { service, rooms, roomId } = await setup()
    for (let round = 1; round < MAX_ROUNDS_PER_ROOM; round++) await service.swapRoles(roomId)
    expect((await service.state(roomId)).round).toBe(MAX_ROUNDS_PER_ROOM)
    const swapped = (await rooms.get(roomId))?.rolesSwapped
    await expect(service.swapRoles(roomId)).rejects.toThrow(`A room runs at most ${MAX_ROUNDS_PER_ROOM} rounds.`)
    expect((await service.state(roomId)).round).toBe(MAX_ROUNDS_PER_ROOM)
    expect((await rooms.get(roomId))?.rolesSwapped).toBe(swapped)
  })

  it('starts a new round on swap: state reset, roles traded, scorecard and feedback per round', async () => {
    const { service, rooms, roomId } = await setup()
    await service.setPrompt(roomId, SPOTIFY.id)
    await service.control(roomId, ControlAction.Start)
    await expect(service.swapRoles(roomId)).rejects.toThrow('Finish the current interview before swapping roles.')
    await service.control(roomId, ControlAction.Pause)
    await expect(service.swapRoles(roomId)).rejects.toThrow('Finish the current interview before swapping roles.')
    await service.control(roomId, ControlAction.Finish)
    const scorecard = {
      scores: { communication: { score: 3, comment: '' } },
      recommendation: 'yes' as const,
      summary: '',
    }
    await service.saveScorecard(roomId, Role.Interviewer, scorecard)
    await service.publishFeedback(roomId, Role.Interviewer, 'Round 1 feedback')
    expect(await service.scorecard(roomId, Role.Interviewer)).toEqual(scorecard)
    expect(await service.feedback(roomId, Role.Interviewer)).toMatchObject({ markdown: 'Round 1 feedback', round: 1 })

    await service.swapRoles(roomId)
    expect((await rooms.get(roomId))?.rolesSwapped).toBe(true)
    expect(await rooms.authenticate(roomId, null)).toMatchObject({ ok: false, status: 401 })
    expect(await service.state(roomId)).toMatchObject({
      round: 2,
      promptId: null,
      status: 'not-started',
      hintsRevealed: 0,
      sessionStartedAt: null,
    })
    expect(await service.scorecard(roomId, Role.Interviewer)).toBeNull()
    expect(await service.feedback(roomId, Role.Interviewer)).toBeNull()
    await service.swapRoles(roomId)
    expect((await rooms.get(roomId))?.rolesSwapped).toBe(false)
    expect((await service.state(roomId)).round).toBe(3)
    await expect(service.swapRoles('no-such-room')).rejects.toThrow('No such room.')
  })

  it('reads its state back from the store, as after a restart', async () => {
    const { database, rooms, store, service, roomId, clock } = await setup()
    await service.setPrompt(roomId, SPOTIFY.id)
    await service.control(roomId, ControlAction.Start)
    await service.control(roomId, ControlAction.NextPhase)
    await service.revealHint(roomId)
    const own = await service.addCustomPrompt(roomId, input({ title: 'Own', statement: 'S' }))
    const fresh = new InterviewService({
      store: sqliteInterviewStore(database),
      rooms,
      now: () => clock.now,
    })
    expect(await fresh.state(roomId)).toEqual(await service.state(roomId))
    expect(await fresh.view(roomId, Role.Interviewer)).toEqual(await service.view(roomId, Role.Interviewer))
    expect(await fresh.prompt(roomId, own.id)).toEqual(own)
    expect(await store.customPrompts(roomId)).toEqual([own])
  })
})

describe('what is read back from storage', () => {
  it('validates the stored state: a row that does not fit is reported and the room starts afresh', async () => {
    const { database, rooms, store, roomId, clock } = await setup()
    const hint: TimelineEvent = { ts: clock.now, type: TimelineEventType.HintRevealed, data: { hintIndex: 0 } }
    await store.changeState(
      roomId,
      () => ({ state: { round: 2, status: 'exploded', phaseIndex: -1 }, event: hint }),
      clock.now
    )
    const errors: string[] = []
    const fresh = new InterviewService({
      store: sqliteInterviewStore(database),
      rooms,
      now: () => clock.now,
      logger: { error: (message) => errors.push(message) },
    })
    expect(await fresh.state(roomId)).toEqual(initialInterviewState())
    expect(errors).toEqual(['stored interview state is invalid; starting afresh'])
  })

  it('returns timeline events typed and validated, leaving out rows that do not fit their type', async () => {
    const { store, roomId, service, clock } = await setup()
    await service.setPrompt(roomId, SPOTIFY.id)
    await store.appendEvent(roomId, { ts: clock.now, type: 'joined', data: { name: 42 } } as unknown as TimelineEvent)
    await store.appendEvent(roomId, { ts: clock.now, type: 'from-the-future', data: {} } as unknown as TimelineEvent)
    await service.record(roomId, TimelineEventType.Muted, { userId: 'u1', name: 'Ada', role: Role.Candidate })
    expect(await service.events(roomId)).toEqual([
      { ts: clock.now, type: TimelineEventType.PromptSet, data: { promptId: SPOTIFY.id, title: SPOTIFY.title } },
      { ts: clock.now, type: TimelineEventType.Muted, data: { userId: 'u1', name: 'Ada', role: Role.Candidate } },
    ])
  })
})

describe('drafts', () => {
  const card = (summary: string) => ({ scores: {}, recommendation: null, summary })

  it('keeps each author’s drafts per round, tells their tabs, and drops them once saved', async () => {
    const { service, roomId, changes } = await setup()
    expect(await service.drafts(roomId, Role.Interviewer)).toEqual({ scorecard: null, note: '' })
    await service.saveDraft(roomId, Role.Interviewer, { kind: 'scorecard', scorecard: card('half a thought') })
    await service.saveDraft(roomId, Role.Interviewer, { kind: 'note', text: 'Cache the playlist' })
    expect(changes.at(-1)?.change).toEqual({ kind: 'drafts', seat: Role.Interviewer })
    expect(await service.drafts(roomId, Role.Interviewer)).toEqual({
      scorecard: card('half a thought'),
      note: 'Cache the playlist',
    })
    // Another author's drafts are their own.
    expect(await service.drafts(roomId, Role.Candidate)).toEqual({ scorecard: null, note: '' })

    await service.saveScorecard(roomId, Role.Interviewer, card('whole thought'))
    expect((await service.drafts(roomId, Role.Interviewer)).scorecard).toBeNull()
    await service.addNote(roomId, Role.Interviewer, 'Cache the playlist', null)
    expect((await service.drafts(roomId, Role.Interviewer)).note).toBe('')
  })

  it('starts the next round without the last round’s drafts', async () => {
    const { service, roomId } = await setup()
    await service.saveDraft(roomId, Role.Interviewer, { kind: 'note', text: 'round one' })
    await service.swapRoles(roomId)
    expect((await service.drafts(roomId, Role.Interviewer)).note).toBe('')
  })
})
