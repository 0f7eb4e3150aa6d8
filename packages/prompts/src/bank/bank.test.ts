import { describe, expect, it } from 'vitest'
import { PromptSchema, PublicPromptSchema, toPublicPrompt, type Prompt } from '../schema.ts'
import { BACKEND_PROMPTS } from './backend.ts'
import { PROMPTS } from './index.ts'
import { ML_PROMPTS } from './ml.ts'
import { SPOTIFY_FLAGSHIP } from './spotifyFlagship.ts'

const byId = PROMPTS.map((p) => [p.id, p] as const)

/** Everything the interviewer sees that the candidate must not. */
function privateStrings(prompt: Prompt): string[] {
  return [
    ...prompt.hints,
    ...prompt.estimates.flatMap((e) => [e.label, e.value, e.reasoning]),
    ...prompt.strongAnswer,
    ...prompt.deepDives,
    ...prompt.rubric.map((r) => r.description),
    ...prompt.clarifyingQuestions,
    ...prompt.phases.flatMap((p) => p.goals),
    ...(prompt.topics ?? []).flatMap((t) => t.notes),
  ]
}

/** Every string value inside a JSON-like value, unescaped. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.flatMap(stringsIn)
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsIn)
  return []
}

describe('prompt bank', () => {
  it.each(byId)('%s passes PromptSchema', (_id, prompt) => {
    expect(PromptSchema.parse(prompt)).toEqual(prompt)
  })

  it('holds 1 flagship + 10 backend + 8 ML prompts, flagship first', () => {
    expect(PROMPTS).toHaveLength(19)
    expect(PROMPTS[0]).toBe(SPOTIFY_FLAGSHIP)
    expect(BACKEND_PROMPTS).toHaveLength(10)
    expect(ML_PROMPTS).toHaveLength(8)
    expect(BACKEND_PROMPTS.every((p) => p.track === 'backend')).toBe(true)
    expect(ML_PROMPTS.every((p) => p.track === 'ml')).toBe(true)
    expect(PROMPTS).toEqual([SPOTIFY_FLAGSHIP, ...BACKEND_PROMPTS, ...ML_PROMPTS])
  })

  it('has unique ids and unique titles', () => {
    expect(new Set(PROMPTS.map((p) => p.id)).size).toBe(PROMPTS.length)
    expect(new Set(PROMPTS.map((p) => p.title)).size).toBe(PROMPTS.length)
  })

  it('makes the flagship a 60-minute Spotify design covering all eight architecture topics', () => {
    expect(SPOTIFY_FLAGSHIP.id).toBe('design-spotify')
    expect(SPOTIFY_FLAGSHIP.durationMinutes).toBe(60)
    expect(SPOTIFY_FLAGSHIP.phases.reduce((sum, p) => sum + p.minutes, 0)).toBe(60)
    const titles = (SPOTIFY_FLAGSHIP.topics ?? []).map((t) => t.title)
    expect(titles).toHaveLength(8)
    for (const topic of [
      /ingestion/i,
      /CDN/,
      /device sync/i,
      /recommendation/i,
      /search/i,
      /playlist/i,
      /offline/i,
      /multi-region/i,
    ]) {
      expect(
        titles.filter((t) => topic.test(t)),
        String(topic)
      ).toHaveLength(1)
    }
    for (const topic of SPOTIFY_FLAGSHIP.topics ?? []) expect(topic.notes.length, topic.title).toBeGreaterThanOrEqual(2)
  })

  it('gives topics only to the flagship and 45 minutes to the other prompts', () => {
    for (const prompt of PROMPTS.slice(1)) {
      expect(prompt.topics, prompt.id).toBeUndefined()
      expect(prompt.durationMinutes, prompt.id).toBe(45)
    }
  })

  it.each(byId)('%s has 3–6 hints, 4–6 rubric dimensions with unique ids, and no repeated texts', (_id, prompt) => {
    expect(prompt.hints.length).toBeGreaterThanOrEqual(3)
    expect(prompt.hints.length).toBeLessThanOrEqual(6)
    expect(prompt.rubric.length).toBeGreaterThanOrEqual(4)
    expect(prompt.rubric.length).toBeLessThanOrEqual(6)
    expect(new Set(prompt.rubric.map((r) => r.id)).size).toBe(prompt.rubric.length)
    expect(new Set(prompt.tags).size).toBe(prompt.tags.length)
    const texts = privateStrings(prompt)
    expect(new Set(texts).size).toBe(texts.length)
  })

  it.each(byId)('%s: the public view validates and leaks no interviewer guidance', (_id, prompt) => {
    const pub = toPublicPrompt(prompt)
    expect(PublicPromptSchema.parse(pub)).toEqual(pub)
    expect(Object.keys(pub).sort()).toEqual(
      ['difficulty', 'durationMinutes', 'hintCount', 'id', 'phases', 'statement', 'tags', 'title', 'track'].sort()
    )
    expect(pub.hintCount).toBe(prompt.hints.length)
    const json = JSON.stringify(pub)
    const plain = stringsIn(pub).join('\n')
    for (const secret of privateStrings(prompt)) {
      expect(json, secret).not.toContain(secret)
      expect(plain, secret).not.toContain(secret)
    }
  })
})
