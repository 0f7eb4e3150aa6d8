import { describe, expect, it } from 'vitest'
import { PromptSchema, PublicPromptSchema, toPublicPrompt, type Prompt } from './schema.ts'

function validPrompt(): Prompt {
  return {
    id: 'url-shortener',
    title: 'URL shortener',
    statement: 'Design a service that turns long links into short ones.',
    track: 'backend',
    difficulty: 'medium',
    tags: ['Hashing', 'Caching'],
    durationMinutes: 30,
    phases: [
      { id: 'clarify', title: 'Clarify', minutes: 5, goals: ['Scope the features'] },
      { id: 'design', title: 'Design', minutes: 20, goals: ['Draw the system'] },
      { id: 'wrap-up', title: 'Wrap-up', minutes: 5, goals: ['Summarize'] },
    ],
    clarifyingQuestions: ['Custom aliases?', 'Expiry?', 'Analytics?'],
    requirements: { functional: ['Shorten', 'Redirect'], nonFunctional: ['Fast redirects', 'Durable'] },
    estimates: [
      { label: 'Writes', value: '~1k/s', reasoning: '100M links a day' },
      { label: 'Reads', value: '~100k/s', reasoning: '100 reads per write' },
    ],
    hints: ['Reads dominate.', 'Cache hot links.', 'Use a base-62 counter per shard.'],
    deepDives: ['Custom aliases colliding', 'Hot links'],
    strongAnswer: ['Sizes reads and writes', 'Caches redirects', 'Avoids collisions'],
    rubric: [
      { id: 'estimation', title: 'Estimation', description: 'Numbers drive the design.' },
      { id: 'design', title: 'Design', description: 'Clear read and write paths.' },
      { id: 'communication', title: 'Communication', description: 'Explains choices.' },
    ],
  }
}

function issues(input: unknown) {
  const result = PromptSchema.safeParse(input)
  return result.success ? [] : result.error.issues
}

describe('PromptSchema', () => {
  it('accepts a valid prompt', () => {
    expect(issues(validPrompt())).toEqual([])
  })

  it('rejects phases that do not add up to the duration', () => {
    const prompt = validPrompt()
    prompt.phases[1]!.minutes = 19
    const found = issues(prompt)
    expect(found).toHaveLength(1)
    expect(found[0]!.path).toEqual(['phases'])
    expect(found[0]!.message).toContain('29')
  })

  it('rejects a duration that disagrees with the phases', () => {
    expect(issues({ ...validPrompt(), durationMinutes: 45 }).map((i) => i.path)).toEqual([['phases']])
  })

  it('rejects a duplicate phase id', () => {
    const prompt = validPrompt()
    prompt.phases[2]!.id = 'clarify'
    const found = issues(prompt)
    expect(found).toHaveLength(1)
    expect(found[0]!.path).toEqual(['phases', 2, 'id'])
    expect(found[0]!.message).toContain('duplicate phase id clarify')
  })

  it('accepts 3 to 6 hints and rejects 2 or 7', () => {
    const hints = ['one', 'two', 'three', 'four', 'five', 'six', 'seven']
    expect(issues({ ...validPrompt(), hints: hints.slice(0, 2) }).map((i) => i.path)).toEqual([['hints']])
    expect(issues({ ...validPrompt(), hints: hints.slice(0, 3) })).toEqual([])
    expect(issues({ ...validPrompt(), hints: hints.slice(0, 6) })).toEqual([])
    expect(issues({ ...validPrompt(), hints }).map((i) => i.path)).toEqual([['hints']])
  })

  it('rejects unknown fields, bad slugs, blank texts and unknown tracks', () => {
    expect(issues({ ...validPrompt(), secret: 'x' })).not.toEqual([])
    expect(issues({ ...validPrompt(), id: 'Not A Slug' })).not.toEqual([])
    expect(issues({ ...validPrompt(), title: '   ' })).not.toEqual([])
    expect(issues({ ...validPrompt(), track: 'frontend' })).not.toEqual([])
    const prompt = validPrompt()
    prompt.rubric[0]!.id = 'estimation_1'
    expect(issues(prompt)).not.toEqual([])
  })
})

describe('toPublicPrompt', () => {
  it('keeps what the candidate needs and drops the guidance', () => {
    const prompt = validPrompt()
    const pub = toPublicPrompt(prompt)
    expect(PublicPromptSchema.parse(pub)).toEqual(pub)
    expect(pub).toEqual({
      id: 'url-shortener',
      title: 'URL shortener',
      statement: prompt.statement,
      track: 'backend',
      difficulty: 'medium',
      tags: ['Hashing', 'Caching'],
      durationMinutes: 30,
      phases: [
        { id: 'clarify', title: 'Clarify', minutes: 5 },
        { id: 'design', title: 'Design', minutes: 20 },
        { id: 'wrap-up', title: 'Wrap-up', minutes: 5 },
      ],
      hintCount: 3,
    })
  })

  it('copies arrays instead of sharing them with the prompt', () => {
    const prompt = validPrompt()
    const pub = toPublicPrompt(prompt)
    pub.tags.push('Mutated')
    expect(prompt.tags).toEqual(['Hashing', 'Caching'])
  })
})
