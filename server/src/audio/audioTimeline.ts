import { Action, AudioEvent, AudioStateSchema, TimelineEventType, type AudioState } from '@loopboard/protocol'
import type { InterviewService } from '../interview/InterviewService.ts'
import type { Logger } from '../logger.ts'
import type { PresenceHub } from '../presence/PresenceHub.ts'
import { onCommand } from '../presence/socketCommand.ts'

/**
 * Audio joins, leaves, mutes and unmutes on the session timeline, whichever transport carries
 * the audio (LiveKit or the peer-to-peer mesh): each client reports its own `audio:state`.
 */
export function attachAudioTimeline(
  hub: PresenceHub,
  timeline: Pick<InterviewService, 'record'>,
  logger: Logger
): void {
  hub.onConnection((socket) => {
    const { roomId, participant } = socket.data
    const who = { userId: participant.userId, name: participant.name, role: participant.role }
    let audio: AudioState = { joined: false, muted: false }
    onCommand(socket, logger, {
      event: AudioEvent.State,
      schema: AudioStateSchema,
      action: Action.JoinAudio,
      run: (next) => {
        const type =
          next.joined !== audio.joined
            ? next.joined
              ? TimelineEventType.AudioJoined
              : TimelineEventType.AudioLeft
            : next.muted !== audio.muted
              ? next.muted
                ? TimelineEventType.Muted
                : TimelineEventType.Unmuted
              : null
        audio = next
        if (type) return timeline.record(roomId, type, who)
      },
    })
  })
}
