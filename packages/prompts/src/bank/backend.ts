import type { Prompt } from '../schema.ts'
import { WRAPPED_BACKEND, ROYALTY_PLAYS } from './backend/data.ts'
import { PODCAST_NOTIFICATIONS, SEARCH_AUTOCOMPLETE } from './backend/discovery.ts'
import { AUDIO_STREAMING, JAM_SYNC } from './backend/playback.ts'
import { HOME_SERVING, PROFILE_CACHE } from './backend/serving.ts'
import { COLLABORATIVE_PLAYLIST, FRIEND_ACTIVITY } from './backend/social.ts'

/** The ten Backend Engineer system-design prompts, in the order the picker lists them. */
export const BACKEND_PROMPTS: readonly Prompt[] = [
  AUDIO_STREAMING,
  COLLABORATIVE_PLAYLIST,
  WRAPPED_BACKEND,
  PODCAST_NOTIFICATIONS,
  FRIEND_ACTIVITY,
  JAM_SYNC,
  SEARCH_AUTOCOMPLETE,
  ROYALTY_PLAYS,
  PROFILE_CACHE,
  HOME_SERVING,
]
