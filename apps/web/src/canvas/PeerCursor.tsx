import { MicOff, Volume2 } from 'lucide-react'
import { memo, useRef } from 'react'
import { useSharedSafeId, useTransform, type TLCursorProps } from 'tldraw'
import { useRoomStore } from '../room/roomStore.ts'

/** The audio state a cursor label shows: none (not in the audio), live, speaking or muted. */
export type CursorAudio = 'none' | 'live' | 'speaking' | 'muted'

/** tldraw user ids are `user:<our user id>`; peer audio is keyed by our user id. */
const ourUserId = (tldrawUserId: string) => tldrawUserId.replace(/^user:/, '')

/**
 * A collaborator's cursor: tldraw's arrow and name tag (same markup and classes as its
 * DefaultCursor, so its styles apply), plus whether that person is speaking or muted, from
 * their audio state in awareness.
 */
export const PeerCursor = memo(function PeerCursor({
  className,
  zoom,
  point,
  color,
  name,
  chatMessage,
  userId,
}: TLCursorProps) {
  const ref = useRef<HTMLDivElement>(null)
  useTransform(ref, point?.x, point?.y, 1 / zoom)
  const cursorId = useSharedSafeId('cursor')
  const audio = useRoomStore((s) => s.peerAudio[ourUserId(userId)])
  if (!point) return null
  const state: CursorAudio = !audio?.joined ? 'none' : audio.muted ? 'muted' : audio.speaking ? 'speaking' : 'live'
  const icon =
    state === 'muted' ? (
      <MicOff size={12} aria-label="muted" role="img" />
    ) : state === 'speaking' ? (
      <Volume2 size={12} aria-label="speaking" role="img" />
    ) : null
  return (
    <div ref={ref} className={`tl-collaborators__item ${className ?? ''}`}>
      <svg className="tl-cursor" aria-hidden="true">
        <use href={`#${cursorId}`} color={color} />
      </svg>
      {chatMessage ? (
        <>
          {name ? (
            <div className="tl-nametag-title" style={{ color }}>
              {name}
            </div>
          ) : null}
          <div className="tl-nametag-chat" style={{ backgroundColor: color }}>
            {chatMessage}
          </div>
        </>
      ) : name ? (
        <div
          className={`tl-nametag peer-nametag audio-${state}`}
          style={{ backgroundColor: color }}
          data-testid="cursor-label"
          data-audio={state}
        >
          {icon}
          {name}
        </div>
      ) : null}
    </div>
  )
})
