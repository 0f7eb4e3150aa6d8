import {
  AudioEvent,
  type AudioPeer,
  type AudioSignal,
  type ClientToServerEvents,
  type IceServer,
  type ServerToClientEvents,
} from '@loopboard/protocol'
import type { Socket } from 'socket.io-client'
import { Emitter, getMicrophone, type AudioTransport, type JoinOptions } from './AudioTransport.ts'

type RoomSocket = Socket<ServerToClientEvents, ClientToServerEvents>

interface PeerLink {
  peer: AudioPeer
  pc: RTCPeerConnection
  /** Perfect negotiation: the polite side yields when offers collide. */
  polite: boolean
  makingOffer: boolean
}

/**
 * A full mesh of peer-to-peer connections, signalled over the room's socket.io link: the
 * embedded default for rooms of a few people when no LiveKit is configured. Members already in
 * the call connect to a newcomer; glare is settled by perfect negotiation.
 */
export class P2PTransport extends Emitter implements AudioTransport {
  readonly kind = 'p2p'
  private socket: RoomSocket
  private iceServers: IceServer[]
  private links = new Map<string, PeerLink>()
  /** Everyone in the call we have heard of, by socket id. */
  private known = new Map<string, AudioPeer>()
  private stream: MediaStream | null = null
  private joined = false
  private publish = false

  constructor(socket: RoomSocket, iceServers: IceServer[]) {
    super()
    this.socket = socket
    this.iceServers = iceServers
  }

  async join({ publish, deviceId }: JoinOptions): Promise<void> {
    this.publish = publish
    if (publish) this.stream = await getMicrophone(deviceId)
    this.socket.on(AudioEvent.PeerJoined, this.onPeerJoined)
    this.socket.on(AudioEvent.PeerLeft, this.onPeerLeft)
    this.socket.on(AudioEvent.Signal, this.onSignal)
    this.socket.on('connect', this.rejoin)
    this.socket.on('disconnect', this.onDisconnect)
    this.joined = true
    await this.enter()
  }

  async leave(): Promise<void> {
    this.joined = false
    this.socket.emit(AudioEvent.Leave, {})
    this.socket.off(AudioEvent.PeerJoined, this.onPeerJoined)
    this.socket.off(AudioEvent.PeerLeft, this.onPeerLeft)
    this.socket.off(AudioEvent.Signal, this.onSignal)
    this.socket.off('connect', this.rejoin)
    this.socket.off('disconnect', this.onDisconnect)
    for (const id of [...this.links.keys()]) this.drop(id)
    this.known.clear()
    this.stream?.getTracks().forEach((t) => t.stop())
    this.stream = null
    this.emit('state', 'disconnected')
    this.clear()
  }

  async setMuted(muted: boolean): Promise<void> {
    for (const track of this.stream?.getAudioTracks() ?? []) track.enabled = !muted
  }

  async setInputDevice(deviceId: string): Promise<void> {
    if (!this.stream) return
    const next = await getMicrophone(deviceId)
    const track = next.getAudioTracks()[0]!
    track.enabled = this.stream.getAudioTracks()[0]?.enabled ?? true
    for (const { pc } of this.links.values()) {
      for (const sender of pc.getSenders()) if (sender.track?.kind === 'audio') await sender.replaceTrack(track)
    }
    this.stream.getTracks().forEach((t) => t.stop())
    this.stream = next
  }

  localStream(): MediaStream | null {
    return this.stream
  }

  async forcePublish(): Promise<void> {
    this.publish = true
    this.stream ??= await getMicrophone()
    for (const link of this.links.values()) {
      for (const track of this.stream.getAudioTracks()) link.pc.addTrack(track, this.stream)
    }
  }

  /** Announce ourselves; the members already in the call will connect to us. */
  private async enter(): Promise<void> {
    this.emit('state', 'connecting')
    const ack = await this.socket.timeout(8_000).emitWithAck(AudioEvent.Join, {})
    if (!ack.ok) throw new Error(ack.error)
    for (const peer of ack.peers) this.known.set(peer.socketId, peer)
    this.emit('state', 'connected')
  }

  private rejoin = () => {
    if (!this.joined) return
    this.enter().catch((error: Error) => this.emit('state', 'disconnected', error.message))
  }

  private onDisconnect = () => {
    for (const id of [...this.links.keys()]) this.drop(id)
    if (this.joined) this.emit('state', 'reconnecting')
  }

  private onPeerJoined = (peer: AudioPeer) => {
    this.known.set(peer.socketId, peer)
    this.link(peer, true)
  }

  private onPeerLeft = ({ socketId }: { socketId: string }) => {
    this.known.delete(socketId)
    this.drop(socketId)
  }

  /** `initiator`: we make the first offer (we were in the call first). */
  private link(peer: AudioPeer, initiator: boolean): PeerLink {
    const existing = this.links.get(peer.socketId)
    if (existing) return existing
    const pc = new RTCPeerConnection({ iceServers: this.iceServers })
    const link: PeerLink = { peer, pc, polite: (this.socket.id ?? '') < peer.socketId, makingOffer: false }
    this.links.set(peer.socketId, link)
    // The side that offers sets up its transceiver now; the answering side attaches its
    // microphone to the transceiver the offer creates (see onSignal), so no second round of
    // negotiation is needed.
    if (initiator) {
      if (this.publish && this.stream) for (const track of this.stream.getAudioTracks()) pc.addTrack(track, this.stream)
      else pc.addTransceiver('audio', { direction: 'recvonly' })
    }
    pc.onicecandidate = ({ candidate }) => {
      if (candidate) this.signal({ to: peer.socketId, candidate: candidate.toJSON() as AudioSignal['candidate'] })
    }
    pc.onnegotiationneeded = async () => {
      try {
        link.makingOffer = true
        await pc.setLocalDescription()
        this.signal({ to: peer.socketId, description: pc.localDescription!.toJSON() as AudioSignal['description'] })
      } catch (error) {
        console.warn('[audio] offer failed', error)
      } finally {
        link.makingOffer = false
      }
    }
    pc.ontrack = ({ streams, track }) => this.emit('remote', peer.userId, streams[0] ?? new MediaStream([track]))
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'failed') pc.restartIce()
    }
    return link
  }

  /** Send our microphone on the audio transceiver a remote offer created, if we publish. */
  private async attachMicrophone(pc: RTCPeerConnection) {
    const track = this.publish ? this.stream?.getAudioTracks()[0] : undefined
    if (!track) return
    const transceiver = pc.getTransceivers().find((t) => t.receiver.track.kind === 'audio' && t.direction !== 'stopped')
    if (!transceiver || transceiver.sender.track) return
    transceiver.direction = 'sendrecv'
    await transceiver.sender.replaceTrack(track)
    transceiver.sender.setStreams(this.stream!)
  }

  private drop(socketId: string) {
    const link = this.links.get(socketId)
    if (!link) return
    this.links.delete(socketId)
    link.pc.close()
    this.emit('remoteGone', link.peer.userId)
  }

  private signal(payload: AudioSignal) {
    this.socket.emit(AudioEvent.Signal, payload, (ack) => {
      if (ack && !ack.ok) console.warn(`[audio] signal refused: ${ack.error}`)
    })
  }

  private onSignal = async ({ from, description, candidate }: Omit<AudioSignal, 'to'> & { from: string }) => {
    // A peer we have not linked yet (we are the newcomer): it was in the join answer.
    const peer = this.known.get(from) ?? { socketId: from, userId: from, name: '', role: 'candidate' as const }
    const link = this.links.get(from) ?? this.link(peer, false)
    const { pc } = link
    try {
      if (description) {
        const collision = description.type === 'offer' && (link.makingOffer || pc.signalingState !== 'stable')
        if (collision && !link.polite) return
        await pc.setRemoteDescription(description)
        if (description.type === 'offer') {
          await this.attachMicrophone(pc)
          await pc.setLocalDescription()
          this.signal({ to: from, description: pc.localDescription!.toJSON() as AudioSignal['description'] })
        }
      } else if (candidate) {
        await pc.addIceCandidate(candidate).catch(() => {})
      }
    } catch (error) {
      console.warn('[audio] signalling failed', error)
    }
  }
}
