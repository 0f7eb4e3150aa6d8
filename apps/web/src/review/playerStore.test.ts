import { describe, expect, it } from 'vitest'
import { createPlayerStore, STEP_MS } from './playerStore.ts'

describe('createPlayerStore', () => {
  it('seeks and steps within the session', () => {
    const player = createPlayerStore(60_000)
    const s = () => player.getState()
    s().seek(70_000)
    expect(s().pos).toBe(60_000)
    s().seek(-5)
    expect(s().pos).toBe(0)
    s().step(STEP_MS)
    s().step(STEP_MS)
    expect(s().pos).toBe(10_000)
    s().step(-3 * STEP_MS)
    expect(s().pos).toBe(0)
    s().seek(Number.NaN)
    expect(s().pos).toBe(0)
  })

  it('advances at the chosen speed and stops at the end', () => {
    const player = createPlayerStore(10_000)
    const s = () => player.getState()
    s().tick(1_000)
    expect(s().pos).toBe(0) // paused: the clock does nothing
    s().play()
    s().setSpeed(1.5)
    s().tick(1_000)
    expect(s().pos).toBe(1_500)
    s().setSpeed(2)
    s().tick(10_000)
    expect(s()).toMatchObject({ pos: 10_000, playing: false })
    s().toggle() // play from the end starts over
    expect(s()).toMatchObject({ pos: 0, playing: true })
    s().toggle()
    expect(s().playing).toBe(false)
  })

  it('never plays an empty session', () => {
    const player = createPlayerStore(0)
    player.getState().play()
    expect(player.getState().playing).toBe(false)
  })
})
