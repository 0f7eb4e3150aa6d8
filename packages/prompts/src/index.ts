export * from './schema.ts'
export { PROMPTS } from './bank/index.ts'
export { getPrompt } from './select.ts'
export { allTags, searchPrompts, tagKey, type PromptFilter, type SearchablePrompt } from './search.ts'
