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
  ROLES,
  SaveDraftSchema,
  ScorecardSchema,
  SetPromptSchema,
  TimelineEventType,
} from '@loopboard/protocol'
import type { z } from 'zod'
import type { Logger } from '../logger.ts'
import type { PresenceHub } from '../presence/PresenceHub.ts'
import { RoomQueue } from '../presence/RoomQueue.ts'
import type { RoomSocket } from '../presence/RoomSocket.ts'
import { onCommand } from '../presence/socketCommand.ts'
import { DomainError, Refusal } from '../DomainError.ts'
import { roleOfSeat } from '../rooms/RoomService.ts'
import {
  InterviewChangeSchema,
  rolesSwappedInRound,
  type InterviewChange,
  type InterviewService,
} from './InterviewService.ts'

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
 * observer's own notes go to the observer and the interviewer, never to the candidate. What a
 * room's sockets are sent is read from storage after each change, one change after the other.
 */
export function attachInterview(hub: PresenceHub, service: InterviewService, logger: Logger): void {
  const rolesSwapped = async (roomId: string) => (await hub.roomsService.get(roomId))?.rolesSwapped ?? false
  const queue = new RoomQueue((error, roomId) =>
    logger.error('sending the interview to a room failed', { room: roomId, error })
  )

  /** Everything a socket should hold for its current role. */
  const sendAll = async (socket: RoomSocket) => {
    const { roomId, seat, participant } = socket.data
    const view = await service.view(roomId, participant.role)
    if (participant.role === Role.Interviewer) {
      const [notes, scorecard, feedback, drafts] = await Promise.all([
        service.notesFor(roomId, seat),
        service.scorecard(roomId, seat),
        service.feedback(roomId, seat),
        service.drafts(roomId, seat),
      ])
      socket.emit(InterviewEvent.State, view)
      socket.emit(InterviewEvent.Notes, { notes })
      socket.emit(InterviewEvent.Scorecard, { scorecard })
      socket.emit(InterviewEvent.Feedback, { feedback })
      socket.emit(InterviewEvent.Drafts, { drafts })
    } else if (participant.role === Role.Observer) {
      // The observer as note-taker: their own notes and note draft, nothing of the interviewer's.
      const [notes, drafts] = await Promise.all([service.notesFor(roomId, seat), service.drafts(roomId, seat)])
      socket.emit(InterviewEvent.State, view)
      socket.emit(InterviewEvent.Notes, { notes })
      socket.emit(InterviewEvent.Drafts, { drafts })
    } else {
      const interviewerSeat = seatOf(Role.Interviewer, await rolesSwapped(roomId))
      const feedback = participant.role === Role.Candidate ? await service.feedback(roomId, interviewerSeat) : null
      socket.emit(InterviewEvent.State, view)
      if (participant.role === Role.Candidate) socket.emit(InterviewEvent.Feedback, { feedback })
    }
  }

  // What this relay's sockets are sent after a change, made here or on another relay (which told
  // this one): read from storage, to the (seat, role) channels of this relay. What a socket gets
  // depends on its seat and role only, and a socket is only ever in its own pair's channel. Every
  // relay reads for itself rather than forwarding what the relay of the change read: readings of
  // two relays' changes could reach a socket in either order, the older one last.
  const announce = async (roomId: string, change: InterviewChange) => {
    if (change.kind === 'roles-swapped') {
      // Every relay re-derives its sockets' roles and sends each what its new role holds.
      return hub.refreshRoles(roomId)
    }
    if (!hub.hasSocketsIn(roomId)) return // nobody here to tell
    // Seats are paired with roles from the committed round, not from the room row: a swap's row
    // is written after its round, and sockets change channels only once it is. So from the
    // commit on, nothing is addressed to a socket still in its old role's channel.
    const { round } = await service.state(roomId)
    const swapped = rolesSwappedInRound(round)
    const seats = ROLES.map((seat) => ({ seat, role: roleOfSeat(seat, swapped) }))
    switch (change.kind) {
      case 'state': {
        const views = await Promise.all(seats.map(({ role }) => service.view(roomId, role)))
        // A view of another round (a swap committed meanwhile) is left to that swap's own announcement.
        seats.forEach(({ seat, role }, i) => {
          if (views[i]!.round === round) hub.toSeatHere(roomId, seat, role).emit(InterviewEvent.State, views[i]!)
        })
        return
      }
      case 'notes':
        // The author's tabs, and — for the observer's notes — the interviewer's. Never the candidate.
        for (const { seat, role } of seats) {
          const own = seat === change.seat && mayNote(role)
          const interviewerOfObserver = change.seat === Role.Observer && role === Role.Interviewer
          if (own || interviewerOfObserver) {
            const notes = await service.notesFor(roomId, seat)
            hub.toSeatHere(roomId, seat, role).emit(InterviewEvent.Notes, { notes })
          }
        }
        return
      case 'scorecard': {
        const role = roleOfSeat(change.seat, swapped)
        if (!may(role, Action.Score)) return
        const scorecard = await service.scorecard(roomId, change.seat)
        hub.toSeatHere(roomId, change.seat, role).emit(InterviewEvent.Scorecard, { scorecard })
        return
      }
      case 'drafts': {
        // Every tab of the author (the sender's included: it confirms what the server holds).
        const role = roleOfSeat(change.seat, swapped)
        if (!mayNote(role)) return
        const drafts = await service.drafts(roomId, change.seat)
        hub.toSeatHere(roomId, change.seat, role).emit(InterviewEvent.Drafts, { drafts })
        return
      }
      case 'feedback': {
        const feedback = await service.feedback(roomId, change.seat)
        for (const { seat, role } of seats) {
          if (role === Role.Candidate || (role === Role.Interviewer && seat === change.seat)) {
            hub.toSeatHere(roomId, seat, role).emit(InterviewEvent.Feedback, { feedback })
          }
        }
        return
      }
    }
  }

  const announceHere = (roomId: string, change: InterviewChange) => {
    const key = `${change.kind}:${'seat' in change ? change.seat : ''}`
    void queue.run(roomId, key, () => announce(roomId, change))
  }
  // Another relay changed this room's interview: what this relay holds of it is stale, and its
  // sockets are told what storage holds now (a swap's roles arrive on their own message).
  hub.onRemoteChange('interview', (roomId, message) => {
    service.forget(roomId)
    const change = InterviewChangeSchema.safeParse(message)
    if (!change.success) return logger.warn('ignored a malformed interview change from another relay', { room: roomId })
    if (change.data.kind !== 'roles-swapped') announceHere(roomId, change.data)
  })
  hub.onRolesChanged((roomId, sockets) => {
    void queue.run(roomId, 'roles-swapped:sockets', async () => {
      for (const socket of sockets) {
        socket.emit(InterviewEvent.SessionChanged, { reason: 'roles-swapped' })
        await sendAll(socket)
      }
    })
  })

  service.setOnChange((roomId: string, change: InterviewChange) => {
    hub.announceChange(roomId, 'interview', change)
    announceHere(roomId, change)
  })

  hub.onConnection((socket) => {
    const { roomId } = socket.data

    const command = <S extends z.ZodType>(
      event: string,
      schema: S,
      action: Action,
      run: (input: z.output<S>) => object | void | Promise<object | void>
    ) => onCommand(socket, logger, { event, schema, action, run })

    command(InterviewEvent.SetPrompt, SetPromptSchema, Action.ControlInterview, ({ promptId }) =>
      service.setPrompt(roomId, promptId)
    )
    command(InterviewEvent.AddPrompt, AddPromptSchema, Action.ControlInterview, async ({ prompt }) => ({
      promptId: (await service.addCustomPrompt(roomId, prompt)).id,
    }))
    command(InterviewEvent.Control, ControlSchema, Action.ControlInterview, ({ action }) =>
      service.control(roomId, action)
    )
    command(InterviewEvent.RevealHint, EmptySchema, Action.ControlInterview, () => service.revealHint(roomId))
    command(InterviewEvent.SwapRoles, EmptySchema, Action.ControlInterview, () => service.swapRoles(roomId))
    command(InterviewEvent.AddNote, AddNoteSchema, Action.JoinRoom, async ({ text, shapeId }) => {
      refuseUnlessNoteTaker(socket)
      return { note: await service.addNote(roomId, socket.data.seat, text, shapeId) }
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
      return service.saveDraft(roomId, socket.data.seat, draft)
    })
    command(InterviewEvent.PublishFeedback, PublishFeedbackSchema, Action.Score, async ({ markdown }) => {
      await service.publishFeedback(roomId, socket.data.seat, markdown)
    })
    socket.on(InterviewEvent.TimeSync, (_payload, ack) => {
      if (typeof ack === 'function') ack({ serverNow: Date.now() })
    })

    // Joins and leaves go on the session timeline (reconnect gaps show as a leave and a join).
    const { participant } = socket.data
    const who = { userId: participant.userId, name: participant.name, role: participant.role }
    const record = (type: typeof TimelineEventType.Joined | typeof TimelineEventType.Left) =>
      service
        .record(roomId, type, who)
        .catch((error: unknown) => logger.error('recording a join or leave failed', { room: roomId, type, error }))
    void record(TimelineEventType.Joined)
    socket.on('disconnect', () => void record(TimelineEventType.Left))

    // In line with the room's changes, so a change made meanwhile is not overtaken by older state.
    void queue.run(roomId, `connect:${socket.id}`, () => sendAll(socket))
  })
}
