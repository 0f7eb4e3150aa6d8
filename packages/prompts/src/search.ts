import type { Difficulty, Track } from './schema.ts'

/** The fields search and filtering look at; both full prompts and public prompts have them. */
export interface SearchablePrompt {
  title: string
  statement: string
  track: Track
  difficulty: Difficulty
  tags: readonly string[]
}

export interface PromptFilter {
  /** Free text; every whitespace-separated word must occur (case-insensitively) in the title, statement or a tag. */
  query?: string | undefined
  track?: Track | undefined
  difficulty?: Difficulty | undefined
  /** One tag, compared with whole tags by {@link tagKey} (case, spacing and a plural `s` aside). */
  tag?: string | undefined
}

/** The prompts matching every given filter, in their original order. Empty or blank filters match everything. */
export function searchPrompts<P extends SearchablePrompt>(prompts: readonly P[], filter: PromptFilter = {}): P[] {
  const words = (filter.query ?? '').toLowerCase().split(/\s+/).filter(Boolean)
  const tag = filter.tag?.trim() ? tagKey(filter.tag) : null
  return prompts.filter((p) => {
    if (filter.track && p.track !== filter.track) return false
    if (filter.difficulty && p.difficulty !== filter.difficulty) return false
    if (tag && !p.tags.some((t) => tagKey(t) === tag)) return false
    if (words.length === 0) return true
    const haystack = [p.title, p.statement, ...p.tags].join('\n').toLowerCase()
    return words.every((w) => haystack.includes(w))
  })
}

/**
 * What makes two tags the same tag: case, spacing, hyphens and a plural `s` on the last word do
 * not count, so "Trie" and "Tries", or "Real-time" and "real time", are one tag.
 */
export function tagKey(tag: string): string {
  const words = tag
    .trim()
    .toLowerCase()
    .split(/[\s-]+/)
    .filter(Boolean)
  const last = words.pop() ?? ''
  // "tries" → "trie", "databases" → "database"; not "ss" ("access") or a lone "s".
  const singular = last.length > 3 && last.endsWith('s') && !last.endsWith('ss') ? last.slice(0, -1) : last
  return [...words, singular].join(' ')
}

/**
 * Every tag used by the given prompts, once each (one spelling per {@link tagKey}: the
 * shortest, so the singular), sorted alphabetically.
 */
export function allTags(prompts: readonly Pick<SearchablePrompt, 'tags'>[]): string[] {
  const byKey = new Map<string, string>()
  for (const tag of prompts.flatMap((p) => p.tags)) {
    const key = tagKey(tag)
    const seen = byKey.get(key)
    if (seen === undefined || tag.length < seen.length || (tag.length === seen.length && tag < seen))
      byKey.set(key, tag)
  }
  return [...byKey.values()].sort((a, b) => a.localeCompare(b))
}
