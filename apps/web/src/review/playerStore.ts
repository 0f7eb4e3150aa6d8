import { createStore, type StoreApi } from 'zustand'
import { clamp } from './format.ts'

export const SPEEDS = [1, 1.5, 2] as const
export type Speed = (typeof SPEEDS)[number]

/** How far ←/→ move the replay. */
export const STEP_MS = 5_000

/** The replay's transport: where it is (ms since the session start), whether and how fast it plays. */
export interface PlayerState {
  pos: number
  duration: number
  playing: boolean
  speed: Speed
  seek(ms: number): void
  play(): void
  pause(): void
  toggle(): void
  step(deltaMs: number): void
  setSpeed(speed: Speed): void
  /** Advance by `elapsedMs` of wall time at the current speed (the playback clock); stops at the end. */
  tick(elapsedMs: number): void
}

export type PlayerStore = StoreApi<PlayerState>

export function createPlayerStore(duration: number): PlayerStore {
  const length = Math.max(0, duration)
  return createStore<PlayerState>()((set, get) => ({
    pos: 0,
    duration: length,
    playing: false,
    speed: 1,
    seek: (ms) => set({ pos: clamp(Number.isFinite(ms) ? ms : 0, 0, length) }),
    play: () => {
      if (length === 0) return
      // Play at the end starts over.
      set((s) => ({ playing: true, pos: s.pos >= length ? 0 : s.pos }))
    },
    pause: () => set({ playing: false }),
    toggle: () => (get().playing ? get().pause() : get().play()),
    step: (deltaMs) => set((s) => ({ pos: clamp(s.pos + deltaMs, 0, length) })),
    setSpeed: (speed) => set({ speed }),
    tick: (elapsedMs) => {
      const s = get()
      if (!s.playing) return
      const pos = s.pos + Math.max(0, elapsedMs) * s.speed
      set(pos >= length ? { pos: length, playing: false } : { pos })
    },
  }))
}
