import type { Prompt } from '../schema.ts'
import { ARTIST_CHARTS, WRAPPED_ML } from './ml/analytics.ts'
import { COPYRIGHT_DETECTION, TYPO_AUTOCOMPLETE } from './ml/content.ts'
import { AD_TARGETING, PARTY_RECS } from './ml/engagement.ts'
import { DISCOVER_WEEKLY, PODCAST_RECS } from './ml/recommendations.ts'

/** The eight Machine Learning Engineer system-design prompts, in the order the picker lists them. */
export const ML_PROMPTS: readonly Prompt[] = [
  DISCOVER_WEEKLY,
  PODCAST_RECS,
  TYPO_AUTOCOMPLETE,
  COPYRIGHT_DETECTION,
  AD_TARGETING,
  PARTY_RECS,
  ARTIST_CHARTS,
  WRAPPED_ML,
]
