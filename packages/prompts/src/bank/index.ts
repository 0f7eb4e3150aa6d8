import type { Prompt } from '../schema.ts'
import { BACKEND_PROMPTS } from './backend.ts'
import { ML_PROMPTS } from './ml.ts'
import { SPOTIFY_FLAGSHIP } from './spotifyFlagship.ts'

/**
 * The built-in prompt bank: the 60-minute flagship first, then the backend and ML tracks.
 * Plain data; it is validated against `PromptSchema` by the tests, not at import time.
 */
export const PROMPTS: readonly Prompt[] = [SPOTIFY_FLAGSHIP, ...BACKEND_PROMPTS, ...ML_PROMPTS]

export { BACKEND_PROMPTS, ML_PROMPTS, SPOTIFY_FLAGSHIP }
