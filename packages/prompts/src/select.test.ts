import { describe, expect, it } from 'vitest'
import { PROMPTS } from './bank/index.ts'
import { toPublicPrompt } from './schema.ts'
import { allTags, searchPrompts, tagKey, type SearchablePrompt } from './search.ts'
import { getPrompt } from './select.ts'

const ids = (prompts: readonly { id: string }[]) => prompts.map((p) => p.id)

const FIXTURES: (SearchablePrompt & { id: string })[] = [
  {
    id: 'a',
    title: 'Chat service',
    statement: 'Design group chat.',
    track: 'backend',
    difficulty: 'medium',
    tags: ['WebSockets', 'Fan-out'],
  },
  {
    id: 'b',
    title: 'Feed ranking',
    statement: 'Rank a news feed.',
    track: 'ml',
    difficulty: 'hard',
    tags: ['Ranking', 'Caching'],
  },
  {
    id: 'c',
    title: 'Photo storage',
    statement: 'Store and serve photos via a CDN.',
    track: 'backend',
    difficulty: 'hard',
    tags: ['CDN', 'caching'],
  },
  {
    id: 'd',
    title: 'Spam filter',
    statement: 'Classify chat messages as spam.',
    track: 'ml',
    difficulty: 'medium',
    tags: ['NLP'],
  },
]

describe('getPrompt', () => {
  it('finds bank prompts by id', () => {
    expect(getPrompt('design-spotify')).toBe(PROMPTS[0])
    for (const prompt of PROMPTS) expect(getPrompt(prompt.id)).toBe(prompt)
  })

  it('answers undefined for an unknown id', () => {
    expect(getPrompt('design-myspace')).toBeUndefined()
    expect(getPrompt('')).toBeUndefined()
  })
})

describe('searchPrompts', () => {
  it('returns everything, in order, without filters or with blank ones', () => {
    expect(ids(searchPrompts(FIXTURES, {}))).toEqual(['a', 'b', 'c', 'd'])
    expect(ids(searchPrompts(FIXTURES))).toEqual(['a', 'b', 'c', 'd'])
    expect(ids(searchPrompts(FIXTURES, { query: '   ', tag: '' }))).toEqual(['a', 'b', 'c', 'd'])
    expect(searchPrompts(PROMPTS, {})).toEqual(PROMPTS)
  })

  it('matches the query case-insensitively in title, statement and tags', () => {
    expect(ids(searchPrompts(FIXTURES, { query: 'CHAT' }))).toEqual(['a', 'd'])
    expect(ids(searchPrompts(FIXTURES, { query: 'news' }))).toEqual(['b'])
    expect(ids(searchPrompts(FIXTURES, { query: 'fan-out' }))).toEqual(['a'])
    expect(ids(searchPrompts(FIXTURES, { query: 'caching' }))).toEqual(['b', 'c'])
  })

  it('requires every word of the query', () => {
    expect(ids(searchPrompts(FIXTURES, { query: 'chat spam' }))).toEqual(['d'])
    expect(ids(searchPrompts(FIXTURES, { query: 'chat photos' }))).toEqual([])
  })

  it('filters by track, difficulty and tag, AND-ed together', () => {
    expect(ids(searchPrompts(FIXTURES, { track: 'ml' }))).toEqual(['b', 'd'])
    expect(ids(searchPrompts(FIXTURES, { difficulty: 'hard' }))).toEqual(['b', 'c'])
    expect(ids(searchPrompts(FIXTURES, { track: 'backend', difficulty: 'hard' }))).toEqual(['c'])
    expect(ids(searchPrompts(FIXTURES, { tag: 'Caching' }))).toEqual(['b', 'c'])
    expect(ids(searchPrompts(FIXTURES, { tag: 'caching', track: 'ml' }))).toEqual(['b'])
    expect(ids(searchPrompts(FIXTURES, { tag: 'cdn', query: 'photo', difficulty: 'medium' }))).toEqual([])
  })

  it('matches a tag filter against whole tags only', () => {
    expect(ids(searchPrompts(FIXTURES, { tag: 'Cach' }))).toEqual([])
    expect(ids(searchPrompts(FIXTURES, { tag: ' nlp ' }))).toEqual(['d'])
  })

  it('searches the bank', () => {
    expect(ids(searchPrompts(PROMPTS, { query: 'mapreduce' }))).toEqual(['wrapped-backend'])
    expect(ids(searchPrompts(PROMPTS, { track: 'ml', difficulty: 'medium' }))).toEqual(['weekly-artist-charts'])
    expect(ids(searchPrompts(PROMPTS, { query: 'playlist', track: 'backend' }))).toEqual([
      'design-spotify',
      'collaborative-playlist',
    ])
    expect(searchPrompts(PROMPTS, { track: 'ml' })).toHaveLength(8)
    expect(searchPrompts(PROMPTS, { track: 'backend' })).toHaveLength(11)
    const caching = searchPrompts(PROMPTS, { tag: 'caching' })
    expect(caching.length).toBeGreaterThan(1)
    expect(caching.every((p) => p.tags.includes('Caching'))).toBe(true)
  })

  it('keeps bank order', () => {
    const order = new Map(PROMPTS.map((p, i) => [p.id, i]))
    const found = searchPrompts(PROMPTS, { query: 'design' }).map((p) => order.get(p.id)!)
    expect(found.length).toBeGreaterThan(2)
    expect(found).toEqual([...found].sort((a, b) => a - b))
  })

  it('works on public prompts and returns the same objects', () => {
    const pub = PROMPTS.map(toPublicPrompt)
    const found = searchPrompts(pub, { query: 'jam' })
    expect(ids(found)).toContain('jam-synchronized-playback')
    expect(found.every((p) => pub.includes(p))).toBe(true)
  })
})

describe('allTags', () => {
  it('lists each tag once, sorted; case variants are one tag', () => {
    expect(allTags(FIXTURES)).toEqual(['Caching', 'CDN', 'Fan-out', 'NLP', 'Ranking', 'WebSockets'])
    expect(allTags([])).toEqual([])
  })

  it('folds plurals, case, spacing and hyphens into one tag, shown in its shortest spelling', () => {
    expect(allTags([{ tags: ['Tries', 'Search'] }, { tags: ['Trie'] }, { tags: ['tries '] }])).toEqual([
      'Search',
      'Trie',
    ])
    expect(allTags([{ tags: ['Real-time', 'real time', 'Access'] }, { tags: ['Acces'] }])).toEqual([
      'Acces',
      'Access',
      'Real-time',
    ])
    expect(tagKey('Tries')).toBe(tagKey('trie'))
    expect(tagKey('Message Queues')).toBe(tagKey('message-queue'))
    expect(tagKey('Access')).not.toBe(tagKey('Acces'))
  })

  it('a tag filter finds every spelling of the tag', () => {
    const prompts = [
      { id: 'a', title: 'A', statement: '', track: 'backend', difficulty: 'medium', tags: ['Tries'] },
      { id: 'b', title: 'B', statement: '', track: 'backend', difficulty: 'medium', tags: ['Trie'] },
    ] as const
    expect(searchPrompts(prompts, { tag: 'Trie' }).map((p) => p.id)).toEqual(['a', 'b'])
  })

  it('covers the bank', () => {
    const tags = allTags(PROMPTS)
    expect(new Set(tags).size).toBe(tags.length)
    expect(tags).toEqual([...tags].sort((a, b) => a.localeCompare(b)))
    expect(tags).toEqual(expect.arrayContaining(['CDN', 'Collaborative Filtering', 'Leader Election', 'Hashing']))
    // Every tag of every prompt is offered (in one spelling), and no two offered tags are the same tag.
    for (const prompt of PROMPTS) for (const tag of prompt.tags) expect(tags.map(tagKey)).toContain(tagKey(tag))
    expect(new Set(tags.map(tagKey)).size).toBe(tags.length)
    expect(tags).toContain('Trie')
    expect(tags).not.toContain('Tries')
  })
})
