import { create } from 'zustand'

export type AudioStatus = 'off' | 'connecting' | 'connected' | 'reconnecting' | 'error'

export interface AudioState {
  status: AudioStatus
  /** What went wrong, in words for the participant. */
  error: string | null
  /** When the next automatic attempt happens (ms since epoch), if one is scheduled. */
  retryAt: number | null
  /** Failed attempts in a row (reset by a successful join). */
  failures: number
  /** The microphone is the problem: retrying will not help until the participant acts. */
  micProblem: boolean
  mode: 'livekit' | 'p2p' | null
  muted: boolean
  listenOnly: boolean
  /** Our own microphone is picking up speech. */
  speaking: boolean
  /** Id of the microphone track being sent, or null; changes when the transport is rebuilt. */
  localTrackId: string | null
  inputs: MediaDeviceInfo[]
  outputs: MediaDeviceInfo[]
  inputId: string | null
  outputId: string | null
  set: (patch: Partial<Omit<AudioState, 'set' | 'reset'>>) => void
  reset: () => void
}

const initial = {
  status: 'off' as AudioStatus,
  error: null,
  retryAt: null,
  failures: 0,
  micProblem: false,
  mode: null,
  muted: false,
  listenOnly: false,
  speaking: false,
  localTrackId: null,
  inputs: [] as MediaDeviceInfo[],
  outputs: [] as MediaDeviceInfo[],
  inputId: null,
  outputId: null,
}

export const useAudioStore = create<AudioState>()((set) => ({
  ...initial,
  set: (patch) => set(patch),
  reset: () => set(initial),
}))

/** Awareness field with a participant's audio state; peers show it on cursors and in the panel. */
export const AUDIO_FIELD = 'audio'

export interface PeerAudio {
  joined: boolean
  muted: boolean
  speaking: boolean
}
