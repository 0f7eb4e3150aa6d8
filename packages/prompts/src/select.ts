import { PROMPTS } from './bank/index.ts'
import type { Prompt } from './schema.ts'

const byId = new Map(PROMPTS.map((p) => [p.id, p]))

/** A prompt of the built-in bank by id. */
export function getPrompt(id: string): Prompt | undefined {
  return byId.get(id)
}
