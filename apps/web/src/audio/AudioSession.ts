import {
  AudioEvent,
  Role,
  type AudioTokenResponse,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '@loopboard/protocol'
import type { Socket } from 'socket.io-client'
import type { Awareness } from 'y-protocols/awareness'
import { apiFetch, ApiRequestError, NetworkError } from '../lib/api.ts'
import { AUDIO_FIELD, useAudioStore, type PeerAudio } from './audioStore.ts'
import type { AudioTransport } from './AudioTransport.ts'
import { LiveKitTransport } from './LiveKitTransport.ts'
import { P2PTransport } from './P2PTransport.ts'
import { watchSpeaking } from './speakingDetector.ts'

/** Retry delays after a failure: 1 s, 2 s, 4 s … up to 30 s. */
const RETRY_BASE_MS = 1_000
const RETRY_MAX_MS = 30_000

export interface AudioSessionOptions {
  roomId: string
  token: string
  userId: string
  name: string
  role: Role
  socket: Socket<ServerToClientEvents, ClientToServerEvents>
  awareness: Awareness
}

declare global {
  interface Window {
    /** End-to-end tests (and `npm run dev`): what the audio layer is receiving. Absent in production builds. */
    loopboardAudio?: {
      remoteStreams(): Map<string, MediaStream>
      forcePublish(): Promise<void>
      mode(): string | null
    }
  }
}

/** Replaced at build time: a production build has no `window.loopboardAudio`, nor the code that sets it. */
const TEST_HOOKS = import.meta.env.DEV || import.meta.env.VITE_TEST_HOOKS === '1'

function micError(error: unknown): string | null {
  const name = (error as DOMException)?.name
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return 'Microphone access was denied. Allow it for this site in the browser (the icon in the address bar), then join again — or listen only.'
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError')
    return 'No microphone was found. Plug one in and join again, or listen only.'
  if (name === 'NotReadableError')
    return 'The microphone is busy in another application. Close it and join again, or listen only.'
  return null
}

/**
 * The room's audio: asks the server how to connect (LiveKit or peer-to-peer), joins, plays
 * what arrives, publishes mute and speaking state to awareness, and retries on its own when
 * the audio server cannot be reached. The board never waits on any of this.
 */
export class AudioSession {
  private options: AudioSessionOptions
  private transport: AudioTransport | null = null
  private players = new Map<string, HTMLAudioElement>()
  private streams = new Map<string, MediaStream>()
  private stopSpeaking: (() => void) | null = null
  private retryTimer: ReturnType<typeof setTimeout> | null = null
  private attempt = 0
  private active = false
  private container: HTMLDivElement

  constructor(options: AudioSessionOptions) {
    this.options = options
    this.container = Object.assign(document.createElement('div'), { hidden: true })
    this.container.dataset.testid = 'audio-players'
    document.body.append(this.container)
    if (TEST_HOOKS) {
      window.loopboardAudio = {
        remoteStreams: () => new Map(this.streams),
        forcePublish: () => (this.transport ? this.transport.forcePublish() : Promise.reject(new Error('not joined'))),
        mode: () => this.transport?.kind ?? null,
      }
    }
    navigator.mediaDevices?.addEventListener('devicechange', this.refreshDevices)
  }

  /** Join the audio. Observers always listen only. */
  async start(listenOnly = false): Promise<void> {
    const store = useAudioStore.getState()
    this.active = true
    this.attempt = 0
    store.set({
      listenOnly: listenOnly || this.options.role === Role.Observer,
      error: null,
      micProblem: false,
      muted: false,
    })
    await this.connect()
  }

  async stop(): Promise<void> {
    this.active = false
    if (this.retryTimer) clearTimeout(this.retryTimer)
    await this.teardown()
    this.publishState({ joined: false, muted: false, speaking: false })
    useAudioStore.getState().set({ status: 'off', error: null, retryAt: null, mode: null, speaking: false })
  }

  async toggleMute(): Promise<void> {
    const { muted, status, listenOnly } = useAudioStore.getState()
    if (!this.transport || status === 'off' || listenOnly) return
    await this.transport.setMuted(!muted)
    useAudioStore.getState().set({ muted: !muted })
    this.publishState({ muted: !muted, speaking: muted ? useAudioStore.getState().speaking : false })
  }

  async setInput(deviceId: string): Promise<void> {
    useAudioStore.getState().set({ inputId: deviceId })
    await this.transport?.setInputDevice(deviceId)
    this.watchLocal()
  }

  /** The microphone being sent, for recording; null when not joined or listening only. */
  localStream(): MediaStream | null {
    return this.transport?.localStream() ?? null
  }

  async setOutput(deviceId: string): Promise<void> {
    useAudioStore.getState().set({ outputId: deviceId })
    for (const player of this.players.values()) await this.applySink(player)
  }

  async destroy(): Promise<void> {
    await this.stop()
    navigator.mediaDevices?.removeEventListener('devicechange', this.refreshDevices)
    this.container.remove()
    if (TEST_HOOKS) delete window.loopboardAudio
    useAudioStore.getState().reset()
  }

  private async connect(): Promise<void> {
    const store = useAudioStore.getState()
    store.set({ status: this.attempt === 0 ? 'connecting' : 'reconnecting', retryAt: null })
    await this.teardown()
    try {
      const plan = await this.fetchPlan()
      const transport =
        plan.mode === 'livekit'
          ? new LiveKitTransport(plan.url, plan.token)
          : new P2PTransport(this.options.socket, plan.iceServers)
      this.transport = transport
      transport.on('remote', (userId, stream) => this.play(userId, stream))
      transport.on('remoteGone', (userId) => this.unplay(userId))
      transport.on('state', (state, reason) => {
        if (!this.active || this.transport !== transport) return
        if (state === 'disconnected')
          return this.fail(new Error(reason ? `Audio disconnected (${reason}).` : 'Audio disconnected.'))
        useAudioStore.getState().set({
          status: state === 'connected' ? 'connected' : state === 'reconnecting' ? 'reconnecting' : 'connecting',
        })
      })
      const { listenOnly, inputId, muted } = useAudioStore.getState()
      await transport.join({ publish: !listenOnly, deviceId: inputId ?? undefined })
      if (muted) await transport.setMuted(true)
      this.attempt = 0
      useAudioStore.getState().set({ status: 'connected', error: null, mode: transport.kind, failures: 0 })
      this.watchLocal()
      this.publishState({ joined: true, muted, speaking: false })
      await this.refreshDevices()
    } catch (error) {
      this.fail(error)
    }
  }

  private fail(error: unknown) {
    if (!this.active) return
    const mic = micError(error)
    if (mic) {
      // Retrying cannot fix a denied or missing microphone; the participant acts first.
      this.active = false
      void this.teardown()
      useAudioStore.getState().set({ status: 'error', error: mic, micProblem: true, retryAt: null })
      return
    }
    const reason =
      error instanceof ApiRequestError || error instanceof NetworkError
        ? error.message
        : `The audio server could not be reached (${(error as Error)?.message ?? String(error)}).`
    const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** this.attempt++)
    useAudioStore
      .getState()
      .set({ status: 'error', error: reason, retryAt: Date.now() + delay, failures: this.attempt })
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.retryTimer = setTimeout(() => void this.connect(), delay)
  }

  private async fetchPlan(): Promise<AudioTokenResponse> {
    const { roomId, token, name } = this.options
    let response: Response
    try {
      response = await apiFetch(`/api/rooms/${encodeURIComponent(roomId)}/audio-token`, {
        method: 'POST',
        token,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name }),
      })
    } catch (error) {
      if (error instanceof ApiRequestError) {
        throw new ApiRequestError(error.status, error.code, `Audio token refused: ${error.message}`)
      }
      throw new NetworkError(`Could not reach the server for audio (${(error as Error).message}).`)
    }
    const body = (await response.json().catch(() => null)) as AudioTokenResponse | null
    if (!body || !('mode' in body)) {
      throw new ApiRequestError(
        response.status,
        'unknown',
        `Audio token refused: The server answered ${response.status}.`
      )
    }
    return body
  }

  private play(userId: string, stream: MediaStream) {
    this.streams.set(userId, stream)
    let player = this.players.get(userId)
    if (!player) {
      player = Object.assign(document.createElement('audio'), { autoplay: true })
      player.dataset.userId = userId
      this.container.append(player)
      this.players.set(userId, player)
    }
    player.srcObject = stream
    void this.applySink(player)
    void player.play().catch(() => {})
  }

  private unplay(userId: string) {
    this.streams.delete(userId)
    this.players.get(userId)?.remove()
    this.players.delete(userId)
  }

  private async applySink(player: HTMLAudioElement) {
    const { outputId } = useAudioStore.getState()
    if (outputId && 'setSinkId' in player) await player.setSinkId(outputId).catch(() => {})
  }

  private watchLocal() {
    this.stopSpeaking?.()
    this.stopSpeaking = null
    const stream = this.transport?.localStream()
    useAudioStore.getState().set({ localTrackId: stream?.getAudioTracks()[0]?.id ?? null })
    if (!stream) return
    this.stopSpeaking = watchSpeaking(stream, (speaking) => {
      const { muted } = useAudioStore.getState()
      useAudioStore.getState().set({ speaking })
      this.publishState({ speaking: speaking && !muted })
    })
  }

  private publishState(patch: Partial<PeerAudio>) {
    const { awareness, socket } = this.options
    const current = (awareness.getLocalState()?.[AUDIO_FIELD] as PeerAudio | undefined) ?? {
      joined: false,
      muted: false,
      speaking: false,
    }
    const next = { ...current, ...patch }
    if (
      next.joined === current.joined &&
      next.muted === current.muted &&
      next.speaking === current.speaking &&
      awareness.getLocalState()?.[AUDIO_FIELD]
    )
      return
    awareness.setLocalStateField(AUDIO_FIELD, next)
    // The session timeline records joins, leaves, mutes and unmutes (not speaking).
    if (next.joined !== current.joined || next.muted !== current.muted) {
      socket.emit(AudioEvent.State, { joined: next.joined, muted: next.muted })
    }
  }

  private refreshDevices = async () => {
    if (!navigator.mediaDevices?.enumerateDevices) return
    const devices = await navigator.mediaDevices.enumerateDevices().catch(() => [])
    useAudioStore.getState().set({
      inputs: devices.filter((d) => d.kind === 'audioinput'),
      outputs: devices.filter((d) => d.kind === 'audiooutput'),
    })
  }

  private async teardown() {
    this.stopSpeaking?.()
    this.stopSpeaking = null
    useAudioStore.getState().set({ localTrackId: null })
    const transport = this.transport
    this.transport = null
    if (transport) await transport.leave().catch(() => {})
    for (const userId of [...this.players.keys()]) this.unplay(userId)
  }
}
