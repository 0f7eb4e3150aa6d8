import type { Participant } from '@loopboard/protocol'
import { useEffect, useState } from 'react'
import { createUserId, react, type Editor } from 'tldraw'
import { colorFor } from './identity.ts'
import { useRoomStore } from './roomStore.ts'

function useFollowing(editor: Editor | null): string | null {
  const [following, setFollowing] = useState<string | null>(null)
  useEffect(() => {
    if (!editor) return
    return react('following', () => setFollowing(editor.getInstanceState().followingUserId))
  }, [editor])
  return following
}

/** Who is in the room, from the presence channel; follow anyone's viewport. */
export function ParticipantsPanel({ editor }: { editor: Editor | null }) {
  const participants = useRoomStore((s) => s.participants)
  const you = useRoomStore((s) => s.you)
  const following = useFollowing(editor)
  const peerAudio = useRoomStore((s) => s.peerAudio)

  const toggleFollow = (p: Participant) => {
    if (!editor) return
    const id = createUserId(p.userId)
    if (following === id) editor.stopFollowingUser()
    else editor.startFollowingUser(id)
  }

  return (
    <section className="participants" aria-label="Participants">
      {participants.length === 0 ? <p className="muted">Waiting for the presence link…</p> : null}
      <ul>
        {participants.map((p) => {
          const isYou = p.id === you?.id
          const isFollowed = following === createUserId(p.userId)
          const audio = peerAudio[p.userId]
          return (
            <li
              key={p.id}
              className="participant"
              data-role={p.role}
              data-status={p.status}
              data-speaking={audio?.speaking ? 'true' : 'false'}
              data-testid="participant"
            >
              <span
                className={`avatar ${audio?.speaking ? 'speaking' : ''}`}
                style={{ background: colorFor(p.userId) }}
                aria-hidden="true"
              >
                {p.name.slice(0, 1).toUpperCase()}
              </span>
              <span className="who">
                <span className="name">
                  {p.name}
                  {isYou ? <span className="muted"> (you)</span> : null}
                </span>
                <span className="meta">
                  <span className={`role role-${p.role}`}>{p.role}</span>
                  <span className={`status status-${p.status}`}>{p.status}</span>
                  {audio?.joined ? (
                    <span
                      className="audio-flag"
                      aria-label={audio.speaking ? 'speaking' : audio.muted ? 'muted' : 'in audio'}
                    >
                      {audio.speaking ? '🔊 speaking' : audio.muted ? '🔇 muted' : '🎙'}
                    </span>
                  ) : null}
                </span>
              </span>
              {!isYou && editor ? (
                <button
                  type="button"
                  className="small"
                  aria-pressed={isFollowed}
                  onClick={() => toggleFollow(p)}
                  title={isFollowed ? `Stop following ${p.name}` : `Follow ${p.name}'s view`}
                >
                  {isFollowed ? 'Following' : 'Follow'}
                </button>
              ) : null}
            </li>
          )
        })}
      </ul>
    </section>
  )
}
