/**
 * What a browser may import: the schema, the candidate-safe view and search — never the bank.
 * The bank's guidance (hints, strong answers, rubrics) reaches only an interviewer, over the
 * authenticated API; a static asset is readable by anyone holding the URL.
 */
export * from './schema.ts'
export { allTags, searchPrompts, tagKey, type PromptFilter, type SearchablePrompt } from './search.ts'
