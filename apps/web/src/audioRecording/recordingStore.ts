import type { RecordingState } from '@loopboard/protocol'
import { create } from 'zustand'

export interface RecordingUiState {
  state: RecordingState
  /** Our own recorder: idle, recording, or failing to upload (it keeps retrying). */
  recorder: 'idle' | 'recording' | 'retrying'
  /** Chunks recorded but not yet stored by the server. */
  pendingChunks: number
  error: string | null
  set: (patch: Partial<Omit<RecordingUiState, 'set' | 'reset'>>) => void
  reset: () => void
}

const initial = {
  state: { recording: false, startedAt: null, consented: [] } as RecordingState,
  recorder: 'idle' as const,
  pendingChunks: 0,
  error: null,
}

export const useRecordingStore = create<RecordingUiState>()((set) => ({
  ...initial,
  set: (patch) => set(patch),
  reset: () => set(initial),
}))
