/** The audio link's own state, as the UI shows it. */
export type AudioLinkState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected'

export interface AudioTransportEvents {
  /** A peer's audio arrived (or changed); `userId` is the peer's tab id. */
  remote: (userId: string, stream: MediaStream) => void
  remoteGone: (userId: string) => void
  state: (state: AudioLinkState, reason?: string) => void
}

export interface JoinOptions {
  /** Publish a microphone (false for observers and listen-only). */
  publish: boolean
  /** The microphone to use, or the default. */
  deviceId?: string
}

/**
 * One audio interface, two transports: LiveKit (an SFU) and a peer-to-peer mesh signalled over
 * the room's socket.io link. The UI only ever talks to this.
 */
export interface AudioTransport {
  readonly kind: 'livekit' | 'p2p'
  join(options: JoinOptions): Promise<void>
  leave(): Promise<void>
  setMuted(muted: boolean): Promise<void>
  /** Switch microphone while joined. */
  setInputDevice(deviceId: string): Promise<void>
  /** The microphone track being sent, if any. */
  localStream(): MediaStream | null
  on<E extends keyof AudioTransportEvents>(event: E, listener: AudioTransportEvents[E]): void
  /** Diagnostics and tests: try to send audio regardless of role (the server must refuse an observer). */
  forcePublish(): Promise<void>
}

/** Tiny typed event emitter for transports. */
export class Emitter {
  private listeners = new Map<string, Set<(...args: never[]) => void>>()
  on<E extends keyof AudioTransportEvents>(event: E, listener: AudioTransportEvents[E]): void {
    let set = this.listeners.get(event)
    if (!set) this.listeners.set(event, (set = new Set()))
    set.add(listener as (...args: never[]) => void)
  }
  emit<E extends keyof AudioTransportEvents>(event: E, ...args: Parameters<AudioTransportEvents[E]>): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as (...a: unknown[]) => void)(...args)
  }
  clear(): void {
    this.listeners.clear()
  }
}

/** Ask for a microphone, with the usual voice processing on. */
export function getMicrophone(deviceId?: string): Promise<MediaStream> {
  return navigator.mediaDevices.getUserMedia({
    audio: {
      deviceId: deviceId ? { exact: deviceId } : undefined,
      echoCancellation: true,
      noiseSuppression: true,
      autoGainControl: true,
    },
  })
}
