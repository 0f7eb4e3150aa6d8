import { Role, type Participant, type RecordingState } from '@loopboard/protocol'
import { Check, CircleHelp, Mic, MicOff, Volume2, X } from 'lucide-react'
import { useEffect, useState } from 'react'
import { createUserId, react, type Editor } from 'tldraw'
import { useRecordingStore } from '../audioRecording/recordingStore.ts'
import { useRoomStore } from './roomStore.ts'

function useFollowing(editor: Editor | null): string | null {
  const [following, setFollowing] = useState<string | null>(null)
  useEffect(() => {
    if (!editor) return
    return react('following', () => setFollowing(editor.getInstanceState().followingUserId))
  }, [editor])
  return following
}

/** What a participant said about recording their audio; null when there is nothing to show. */
export type ConsentState = 'asked' | 'consented' | 'declined'

/**
 * A participant's recording consent: consented or declined once they answered; asked while the
 * room records and they have not answered yet. Observers are never recorded, so never asked.
 */
export function consentState(p: Participant, recording: RecordingState): ConsentState | null {
  if (p.role === Role.Observer) return null
  if (recording.consented.includes(p.userId)) return 'consented'
  if (recording.declined?.includes(p.userId)) return 'declined'
  return recording.recording ? 'asked' : null
}

const CONSENT_TEXT: Record<ConsentState, string> = {
  asked: 'asked to record, no answer yet',
  consented: 'audio recorded (consented)',
  declined: 'declined audio recording',
}
const CONSENT_SHORT: Record<ConsentState, string> = { asked: 'asked', consented: 'consented', declined: 'declined' }
const CONSENT_ICON = { asked: CircleHelp, consented: Check, declined: X }

/** Who is in the room, from the presence channel; follow anyone's viewport. */
export function ParticipantsPanel({ editor }: { editor: Editor | null }) {
  const participants = useRoomStore((s) => s.participants)
  const you = useRoomStore((s) => s.you)
  const following = useFollowing(editor)
  const peerAudio = useRoomStore((s) => s.peerAudio)
  const recording = useRecordingStore((s) => s.state)
  const showConsent = useRoomStore((s) => s.session?.role === Role.Interviewer)

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
          const consent = showConsent ? consentState(p, recording) : null
          const ConsentIcon = consent ? CONSENT_ICON[consent] : null
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
                style={{ background: p.color }}
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
                      className={`audio-flag audio-${audio.muted ? 'muted' : audio.speaking ? 'speaking' : 'live'}`}
                      data-testid="participant-audio"
                    >
                      {audio.muted ? (
                        <MicOff size={12} aria-hidden="true" />
                      ) : audio.speaking ? (
                        <Volume2 size={12} aria-hidden="true" />
                      ) : (
                        <Mic size={12} aria-hidden="true" />
                      )}
                      {audio.muted ? 'muted' : audio.speaking ? 'speaking' : 'in audio'}
                    </span>
                  ) : null}
                  {consent && ConsentIcon ? (
                    <span
                      className={`consent-flag consent-${consent}`}
                      data-testid="participant-consent"
                      data-consent={consent}
                      title={`Recording: ${CONSENT_TEXT[consent]}`}
                    >
                      <ConsentIcon size={12} aria-hidden="true" />
                      <span className="sr-only">Recording: </span>
                      {CONSENT_SHORT[consent]}
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
