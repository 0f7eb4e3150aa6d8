import {
  Action,
  may,
  AddNoteSchema,
  AddPromptSchema,
  ControlSchema,
  EmptySchema,
  InterviewEvent,
  PublishFeedbackSchema,
  Role,
  SaveDraftSchema,
  ScorecardSchema,
  SetPromptSchema,
  TimelineEventType,
} from '@loopboard/protocol'
import type { z } from 'zod'
import type { Logger } from '../logger.ts'
import type { PresenceHub } from '../presence/PresenceHub.ts'
import type { RoomSocket } from '../presence/RoomSocket.ts'
import { onCommand } from '../presence/socketCommand.ts'
import { DomainError, Refusal } from '../DomainError.ts'
import { roleOfSeat } from '../rooms/RoomService.ts'
import type { InterviewChange, InterviewService } from './InterviewService.ts'

/** The seat that plays `role` now (seats and roles trade places in a swapped room). */
function seatOf(role: Role, rolesSwapped: boolean): Role {
  return roleOfSeat(role, rolesSwapped)
}

/** Whether a role writes private notes: the interviewer's own, the observer's for the interviewer. */
const mayNote = (role: Role) => may(role, Action.TakeNotes) || may(role, Action.ShareNotes)

function refuseUnlessNoteTaker(socket: RoomSocket): void {
  const { role } = socket.data.participant
  if (!mayNote(role))
    throw new DomainError(Refusal.Forbidden, `Only the interviewer and the observer take notes (you are the ${role}).`)
}

/**
 * Interview commands over socket.io. Each payload is validated against its schema; commands
 * that change the interview are refused unless the sender's *current* role is interviewer.
 * Private data (guidance, notes, scorecards) is emitted only to interviewer sockets; the
 * observer's own notes go to the observer and the interviewer, never to the candidate.
 */
export function attachInterview(hub: PresenceHub, service: InterviewService, logger: Logger): void {
  const rolesSwapped = (roomId: string) => hub.roomsService.get(roomId)?.rolesSwapped ?? false

  /** Everything a socket should hold for its current role. */
  const sendAll = (socket: RoomSocket) => {
    const { roomId, seat, participant } = socket.data
    socket.emit(InterviewEvent.State, service.view(roomId, participant.role))
    if (participant.role === Role.Interviewer) {
      socket.emit(InterviewEvent.Notes, { notes: service.notesFor(roomId, seat) })
      socket.emit(InterviewEvent.Scorecard, { scorecard: service.scorecard(roomId, seat) })
      socket.emit(InterviewEvent.Feedback, { feedback: service.feedback(roomId, seat) })
      socket.emit(InterviewEvent.Drafts, { drafts: service.drafts(roomId, seat) })
    } else if (participant.role === Role.Observer) {
      // The observer as note-taker: their own notes and note draft, nothing of the interviewer's.
      socket.emit(InterviewEvent.Notes, { notes: service.notesFor(roomId, seat) })
      socket.emit(InterviewEvent.Drafts, { drafts: service.drafts(roomId, seat) })
    } else if (participant.role === Role.Candidate) {
      socket.emit(InterviewEvent.Feedback, {
        feedback: service.feedback(roomId, seatOf(Role.Interviewer, rolesSwapped(roomId))),
      })
    }
  }

  service.setOnChange((roomId: string, change: InterviewChange) => {
    const sockets = hub.socketsIn(roomId)
    switch (change.kind) {
      case 'state':
        for (const socket of sockets)
          socket.emit(InterviewEvent.State, service.view(roomId, socket.data.participant.role))
        return
      case 'notes':
        // The author's tabs, and — for the observer's notes — the interviewer's. Never the candidate.
        for (const socket of sockets) {
          const { seat, participant } = socket.data
          const own = seat === change.seat && mayNote(participant.role)
          const interviewerOfObserver = change.seat === Role.Observer && participant.role === Role.Interviewer
          if (own || interviewerOfObserver) socket.emit(InterviewEvent.Notes, { notes: service.notesFor(roomId, seat) })
        }
        return
      case 'scorecard':
        for (const socket of sockets) {
          if (socket.data.seat === change.seat && may(socket.data.participant.role, Action.Score)) {
            socket.emit(InterviewEvent.Scorecard, { scorecard: service.scorecard(roomId, change.seat) })
          }
        }
        return
      case 'drafts':
        // Every tab of the author (the sender's included: it confirms what the server holds).
        for (const socket of sockets) {
          if (socket.data.seat === change.seat && mayNote(socket.data.participant.role)) {
            socket.emit(InterviewEvent.Drafts, { drafts: service.drafts(roomId, change.seat) })
          }
        }
        return
      case 'feedback': {
        const feedback = service.feedback(roomId, change.seat)
        for (const socket of sockets) {
          const { role } = socket.data.participant
          if (role === Role.Candidate || (role === Role.Interviewer && socket.data.seat === change.seat)) {
            socket.emit(InterviewEvent.Feedback, { feedback })
          }
        }
        return
      }
      case 'roles-swapped':
        hub.refreshRoles(roomId)
        for (const socket of hub.socketsIn(roomId)) {
          socket.emit(InterviewEvent.SessionChanged, { reason: 'roles-swapped' })
          sendAll(socket)
        }
        return
    }
  })

  hub.onConnection((socket) => {
    const { roomId } = socket.data

    const command = <S extends z.ZodType>(
      event: string,
      schema: S,
      action: Action,
      run: (input: z.output<S>) => object | void
    ) => onCommand(socket, logger, { event, schema, action, run })

    command(InterviewEvent.SetPrompt, SetPromptSchema, Action.ControlInterview, ({ promptId }) =>
      service.setPrompt(roomId, promptId)
    )
    command(InterviewEvent.AddPrompt, AddPromptSchema, Action.ControlInterview, ({ prompt }) => ({
      promptId: service.addCustomPrompt(roomId, prompt).id,
    }))
    command(InterviewEvent.Control, ControlSchema, Action.ControlInterview, ({ action }) =>
      service.control(roomId, action)
    )
    command(InterviewEvent.RevealHint, EmptySchema, Action.ControlInterview, () => service.revealHint(roomId))
    command(InterviewEvent.SwapRoles, EmptySchema, Action.ControlInterview, () => service.swapRoles(roomId))
    command(InterviewEvent.AddNote, AddNoteSchema, Action.JoinRoom, ({ text, shapeId }) => {
      refuseUnlessNoteTaker(socket)
      return { note: service.addNote(roomId, socket.data.seat, text, shapeId) }
    })
    command(InterviewEvent.SaveScorecard, ScorecardSchema, Action.Score, (scorecard) =>
      service.saveScorecard(roomId, socket.data.seat, scorecard)
    )
    command(InterviewEvent.SaveDraft, SaveDraftSchema, Action.JoinRoom, (draft) => {
      // The observer drafts notes; only the interviewer has a scorecard.
      if (draft.kind === 'scorecard' && socket.data.participant.role !== Role.Interviewer) {
        throw new DomainError(Refusal.Forbidden, 'Only the interviewer keeps a scorecard.')
      }
      refuseUnlessNoteTaker(socket)
      service.saveDraft(roomId, socket.data.seat, draft)
    })
    command(InterviewEvent.PublishFeedback, PublishFeedbackSchema, Action.Score, ({ markdown }) => {
      service.publishFeedback(roomId, socket.data.seat, markdown)
    })
    socket.on(InterviewEvent.TimeSync, (_payload, ack) => {
      if (typeof ack === 'function') ack({ serverNow: Date.now() })
    })

    // Joins and leaves go on the session timeline (reconnect gaps show as a leave and a join).
    const { participant } = socket.data
    const who = { userId: participant.userId, name: participant.name, role: participant.role }
    service.record(roomId, TimelineEventType.Joined, who)
    socket.on('disconnect', () => service.record(roomId, TimelineEventType.Left, who))

    sendAll(socket)
  })
}
