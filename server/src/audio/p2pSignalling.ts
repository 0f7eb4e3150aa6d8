import {
  Action,
  AudioEvent,
  AudioSignalSchema,
  EmptySchema,
  may,
  SocketEvent,
  type AudioPeer,
} from '@loopboard/protocol'
import { z } from 'zod'
import type { Logger } from '../logger.ts'
import type { Member, PresenceHub } from '../presence/PresenceHub.ts'
import { TokenBucket } from '../sync/TokenBucket.ts'

/**
 * Audio joins, leaves and signals one socket may send: a burst (a mesh's offers and trickled ICE
 * candidates arrive together), then a steady rate. Each is relayed to another socket, so an
 * unlimited sender could bury a peer in relayed messages.
 */
const SIGNAL_BURST = 200
const SIGNALS_PER_SECOND = 50

const DIRECTION = /^a=(sendrecv|sendonly|recvonly|inactive)\s*$/m

/**
 * An SDP that would send audio: any media section that is sendrecv or sendonly, explicitly or
 * by default (RFC 4566 §6: a section with no direction of its own nor at session level is
 * sendrecv). Data-channel sections (m=application) carry no direction.
 */
function sendsMedia(sdp: string): boolean {
  if (/^a=(sendrecv|sendonly)\s*$/m.test(sdp)) return true
  const [session = '', ...media] = sdp.split(/^(?=m=)/m)
  if (DIRECTION.test(session)) return false
  return media.some((section) => !section.startsWith('m=application') && !DIRECTION.test(section))
}

/**
 * Signalling for the peer-to-peer audio mesh (used when no LiveKit is configured): who is in
 * the call, and offers, answers and ICE candidates relayed between two sockets of one room.
 * The observer listens only: a description from an observer that would send media is refused.
 */
export function attachP2PSignalling(hub: PresenceHub, logger: Logger): void {
  const peerOf = ({ socketId, participant: { userId, name, role } }: Member): AudioPeer => ({
    socketId,
    userId,
    name,
    role,
  })
  /** This relay's sockets in the room's call, but `except`. */
  const localCallers = (roomId: string, except: string) =>
    hub.socketsIn(roomId).filter((s) => s.id !== except && hub.member(roomId, s.id)?.audio)

  // Every relay tells its own callers who joined and left the call, wherever that happened
  // (a relay that died takes its callers with it: they leave when the directory drops them).
  hub.onMemberChange(({ before, after }) => {
    const wasIn = before?.audio ?? false
    const isIn = after?.audio ?? false
    if (isIn && !wasIn) {
      for (const socket of localCallers(after!.roomId, after!.socketId))
        socket.emit(AudioEvent.PeerJoined, peerOf(after!))
    } else if (wasIn && !isIn) {
      for (const socket of localCallers(before!.roomId, before!.socketId))
        socket.emit(AudioEvent.PeerLeft, { socketId: before!.socketId })
    }
  })

  hub.onConnection((socket) => {
    const { roomId } = socket.data
    const refuse = (event: string, message: string, ack: unknown) => {
      socket.emit(SocketEvent.PayloadError, { event, message })
      if (typeof ack === 'function') ack({ ok: false, error: message })
    }
    const budget = new TokenBucket(SIGNAL_BURST, 1000 / SIGNALS_PER_SECOND)
    const overBudget = (event: string, ack: unknown) => {
      if (budget.take()) return false
      refuse(event, 'Too many audio messages: slow down and try again in a moment.', ack)
      return true
    }

    socket.on(AudioEvent.Join, (payload, ack) => {
      if (overBudget(AudioEvent.Join, ack)) return
      const parsed = EmptySchema.safeParse(payload ?? {})
      if (!parsed.success) return refuse(AudioEvent.Join, z.prettifyError(parsed.error), ack)
      const others = hub
        .members(roomId)
        .filter((m) => m.audio && m.socketId !== socket.id)
        .map(peerOf)
      hub.setAudio(socket, true)
      if (typeof ack === 'function') ack({ ok: true, peers: others })
    })

    socket.on(AudioEvent.Leave, (_payload, ack) => {
      if (overBudget(AudioEvent.Leave, ack)) return
      hub.setAudio(socket, false)
      if (typeof ack === 'function') ack({ ok: true })
    })

    socket.on(AudioEvent.Signal, (payload, ack) => {
      if (overBudget(AudioEvent.Signal, ack)) return
      const parsed = AudioSignalSchema.safeParse(payload)
      if (!parsed.success)
        return refuse(AudioEvent.Signal, `invalid ${AudioEvent.Signal} payload: ${z.prettifyError(parsed.error)}`, ack)
      const { to, description, candidate } = parsed.data
      if (!hub.member(roomId, socket.id)?.audio)
        return refuse(AudioEvent.Signal, 'Join the audio before signalling.', ack)
      // Only a member of this room (on any relay) who is in the call: a socket id of another room is unknown here.
      if (!hub.member(roomId, to)?.audio) return refuse(AudioEvent.Signal, 'That participant is not in the audio.', ack)
      if (!may(socket.data.participant.role, Action.SendAudio) && description && sendsMedia(description.sdp)) {
        logger.warn('refused sending audio description from observer', { room: roomId })
        return refuse(AudioEvent.Signal, 'Observers listen only: they cannot send audio.', ack)
      }
      hub.toSocket(to).emit(AudioEvent.Signal, { from: socket.id, description, candidate })
      if (typeof ack === 'function') ack({ ok: true })
    })
  })
}
