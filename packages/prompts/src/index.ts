export * from './schema.ts'
export { PROMPTS } from './bank/index.ts'
export { allTags, getPrompt, searchPrompts, type PromptFilter, type SearchablePrompt } from './select.ts'
