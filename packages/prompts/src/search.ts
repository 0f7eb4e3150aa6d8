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
  /** One tag, compared case-insensitively with the whole tag. */
  tag?: string | undefined
}

/** The prompts matching every given filter, in their original order. Empty or blank filters match everything. */
export function searchPrompts<P extends SearchablePrompt>(prompts: readonly P[], filter: PromptFilter = {}): P[] {
  const words = (filter.query ?? '').toLowerCase().split(/\s+/).filter(Boolean)
  const tag = filter.tag?.trim().toLowerCase()
  return prompts.filter((p) => {
    if (filter.track && p.track !== filter.track) return false
    if (filter.difficulty && p.difficulty !== filter.difficulty) return false
    const tags = p.tags.map((t) => t.toLowerCase())
    if (tag && !tags.includes(tag)) return false
    if (words.length === 0) return true
    const haystack = [p.title, p.statement, ...p.tags].join('\n').toLowerCase()
    return words.every((w) => haystack.includes(w))
  })
}

/** Every tag used by the given prompts, once each, sorted alphabetically. */
export function allTags(prompts: readonly Pick<SearchablePrompt, 'tags'>[]): string[] {
  return [...new Set(prompts.flatMap((p) => p.tags))].sort((a, b) => a.localeCompare(b))
}
