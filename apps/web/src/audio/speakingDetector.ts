/**
 * Loudness (RMS of samples in -1..1) above which the microphone counts as speech. Speech after
 * the browser's noise suppression and gain control sits well above it; room noise well below.
 */
export const SPEAKING_RMS = 0.01
/** Keep "speaking" this long after the level drops, so the indicator does not flicker. */
export const SPEAKING_HOLD_MS = 400
const SAMPLE_EVERY_MS = 50

/** Root mean square of a block of samples. */
export function rms(samples: Float32Array): number {
  let sum = 0
  for (let i = 0; i < samples.length; i++) sum += samples[i]! * samples[i]!
  return Math.sqrt(sum / Math.max(1, samples.length))
}

/** Decide speaking from successive levels, with a hold so short pauses stay "speaking". */
export function nextSpeaking(
  level: number,
  now: number,
  lastLoudAt: number
): { speaking: boolean; lastLoudAt: number } {
  const loud = level >= SPEAKING_RMS
  const last = loud ? now : lastLoudAt
  return { speaking: now - last <= SPEAKING_HOLD_MS, lastLoudAt: last }
}

/**
 * Watch a stream's level and report speaking on/off changes.
 * @returns a function that stops watching.
 */
export function watchSpeaking(stream: MediaStream, onChange: (speaking: boolean) => void): () => void {
  const context = new AudioContext()
  const source = context.createMediaStreamSource(stream)
  const analyser = context.createAnalyser()
  analyser.fftSize = 2048
  source.connect(analyser)
  const buffer = new Float32Array(analyser.fftSize)
  let lastLoudAt = -Infinity
  let speaking = false
  const timer = setInterval(() => {
    analyser.getFloatTimeDomainData(buffer)
    const next = nextSpeaking(rms(buffer), performance.now(), lastLoudAt)
    lastLoudAt = next.lastLoudAt
    if (next.speaking !== speaking) onChange((speaking = next.speaking))
  }, SAMPLE_EVERY_MS)
  return () => {
    clearInterval(timer)
    source.disconnect()
    void context.close()
  }
}
