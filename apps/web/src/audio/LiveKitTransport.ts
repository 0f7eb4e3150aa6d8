import { ConnectionState, Room, RoomEvent, Track, type RemoteParticipant, type RemoteTrack } from 'livekit-client'
import { Emitter, type AudioTransport, type JoinOptions } from './AudioTransport.ts'

function userIdOf(participant: RemoteParticipant): string {
  return participant.attributes.userId ?? participant.identity.split(':').slice(1).join(':')
}

/** Audio through a LiveKit room (the server mints the token, with grants from the role). */
export class LiveKitTransport extends Emitter implements AudioTransport {
  readonly kind = 'livekit'
  private room: Room
  private url: string
  private token: string

  /**
   * `token` is short-lived; LiveKit refreshes it while connected, and after a full disconnect
   * the session asks the server for a new one before joining again.
   */
  constructor(url: string, token: string) {
    super()
    this.url = url
    this.token = token
    this.room = new Room({ adaptiveStream: false, dynacast: false, disconnectOnPageLeave: true })
    this.room.on(RoomEvent.TrackSubscribed, (track: RemoteTrack, _pub, participant: RemoteParticipant) => {
      if (track.kind !== Track.Kind.Audio) return
      this.emit('remote', userIdOf(participant), new MediaStream([track.mediaStreamTrack]))
    })
    this.room.on(RoomEvent.TrackUnsubscribed, (track: RemoteTrack, _pub, participant: RemoteParticipant) => {
      if (track.kind === Track.Kind.Audio) this.emit('remoteGone', userIdOf(participant))
    })
    this.room.on(RoomEvent.ParticipantDisconnected, (participant) => this.emit('remoteGone', userIdOf(participant)))
    this.room.on(RoomEvent.ConnectionStateChanged, (state: ConnectionState) => {
      if (state === ConnectionState.Connected) this.emit('state', 'connected')
      else if (state === ConnectionState.Reconnecting || state === ConnectionState.SignalReconnecting)
        this.emit('state', 'reconnecting')
      else if (state === ConnectionState.Connecting) this.emit('state', 'connecting')
    })
    this.room.on(RoomEvent.Disconnected, (reason) =>
      this.emit('state', 'disconnected', reason === undefined ? undefined : String(reason))
    )
  }

  async join({ publish, deviceId }: JoinOptions): Promise<void> {
    await this.room.connect(this.url, this.token, { autoSubscribe: true })
    if (publish)
      await this.room.localParticipant.setMicrophoneEnabled(true, {
        deviceId,
        echoCancellation: true,
        noiseSuppression: true,
      })
  }

  async leave(): Promise<void> {
    await this.room.disconnect()
    this.clear()
  }

  async setMuted(muted: boolean): Promise<void> {
    const track = this.room.localParticipant.getTrackPublication(Track.Source.Microphone)?.track
    if (!track) return
    if (muted) await track.mute()
    else await track.unmute()
  }

  async setInputDevice(deviceId: string): Promise<void> {
    await this.room.switchActiveDevice('audioinput', deviceId)
  }

  localStream(): MediaStream | null {
    const track = this.room.localParticipant.getTrackPublication(Track.Source.Microphone)?.track?.mediaStreamTrack
    return track ? new MediaStream([track]) : null
  }

  async forcePublish(): Promise<void> {
    await this.room.localParticipant.setMicrophoneEnabled(true)
  }
}
