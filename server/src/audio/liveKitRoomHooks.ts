import type { Role } from '@loopboard/protocol'
import { RoomServiceClient, TwirpError } from 'livekit-server-sdk'
import type { LiveKitConfig } from '../config.ts'
import type { Logger } from '../logger.ts'
import type { RoomHooks } from '../rooms/RoomLifecycle.ts'
import { livekitRoomName } from './audioToken.ts'

/** A LiveKit call that does not answer within this long is given up (and logged). */
const REQUEST_TIMEOUT_S = 5

/**
 * What LiveKit must hear when a room changes: a deleted room's audio room is closed (everyone in
 * it disconnected), and a replaced link's participants are removed — LiveKit keeps a connected
 * participant in the room however old its token, so closing our own sockets is not enough. One
 * relay's call acts for the whole cluster (LiveKit is shared). Participants are matched by the
 * `seat` attribute their token carries (`issueAudioToken`).
 *
 * LiveKit 1.13 cannot revoke a token: a removed participant could join again with the audio token
 * it already holds until that expires (`AUDIO_TOKEN_TTL_SECONDS`); it cannot get a new one.
 */
export function liveKitRoomHooks(livekit: LiveKitConfig, logger: Logger): RoomHooks {
  const client = new RoomServiceClient(livekit.url, livekit.apiKey, livekit.apiSecret, {
    requestTimeout: REQUEST_TIMEOUT_S,
    failover: false, // one self-hosted server: no other regions to try
  })
  const notFound = (error: unknown) => error instanceof TwirpError && error.status === 404

  async function removeSeat(roomId: string, seat: Role): Promise<void> {
    const room = livekitRoomName(roomId)
    let participants
    try {
      participants = await client.listParticipants(room)
    } catch (error) {
      if (notFound(error)) return // nobody has joined the audio
      throw error
    }
    const removed = participants.filter((p) => p.attributes.seat === seat)
    await Promise.all(
      removed.map((p) =>
        client.removeParticipant(room, p.identity).catch((error: unknown) => {
          if (!notFound(error)) throw error // already gone otherwise
        })
      )
    )
    if (removed.length)
      logger.info('audio: removed the replaced link’s participants', { room: roomId, seat, count: removed.length })
  }

  return {
    name: 'audio',
    closeConnections: async (roomId) => {
      try {
        await client.deleteRoom(livekitRoomName(roomId))
      } catch (error) {
        if (!notFound(error)) throw error
      }
    },
    linkReplaced: (roomId, seat) => removeSeat(roomId, seat),
  }
}
