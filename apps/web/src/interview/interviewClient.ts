import {
  clockOffsetMs,
  InterviewEvent,
  type ClientToServerEvents,
  type CommandAck,
  type ServerToClientEvents,
} from '@loopboard/protocol'
import type { Socket } from 'socket.io-client'
import { useInterviewStore, type InterviewCommands } from './interviewStore.ts'

/** Re-measure the clock offset this often; clocks drift and laptops sleep. */
const TIME_SYNC_INTERVAL_MS = 30_000
/** A command with no answer by then failed (the link is down). */
const COMMAND_TIMEOUT_MS = 8_000

type RoomSocket = Socket<ServerToClientEvents, ClientToServerEvents>

/**
 * Wire the interview events of a room socket to the interview store and return the
 * commands. `onSessionChanged` runs when the server says roles were swapped.
 * @returns a function that removes the listeners.
 */
export function attachInterviewClient(socket: RoomSocket, onSessionChanged: () => void): () => void {
  const store = useInterviewStore.getState()

  const send = <T extends object>(event: string, payload: unknown): Promise<CommandAck<T>> =>
    new Promise((resolve) => {
      if (!socket.connected) return resolve({ ok: false, error: 'Not connected to the server; try again in a moment.' })
      // Event names come from the protocol's map; the generic emit cannot be typed per call here.
      const emitter = socket.timeout(COMMAND_TIMEOUT_MS) as unknown as {
        emit: (event: string, ...args: unknown[]) => void
      }
      emitter.emit(event, payload, (error: Error | null, ack: CommandAck<T>) => {
        resolve(error ? { ok: false, error: 'The server did not answer; try again.' } : ack)
      })
    })

  const commands: InterviewCommands = {
    setPrompt: (promptId) => send(InterviewEvent.SetPrompt, { promptId }),
    addPrompt: (prompt) => send(InterviewEvent.AddPrompt, { prompt }),
    control: (action) => send(InterviewEvent.Control, { action }),
    revealHint: () => send(InterviewEvent.RevealHint, {}),
    swapRoles: () => send(InterviewEvent.SwapRoles, {}),
    addNote: (text, shapeId) => send(InterviewEvent.AddNote, { text, shapeId }),
    saveScorecard: (scorecard) => send(InterviewEvent.SaveScorecard, scorecard),
    publishFeedback: (markdown) => send(InterviewEvent.PublishFeedback, { markdown }),
  }

  const syncClock = () => {
    const sentAt = Date.now()
    socket
      .timeout(COMMAND_TIMEOUT_MS)
      .emit(InterviewEvent.TimeSync, {}, (error: Error | null, reply: { serverNow: number }) => {
        if (error) return
        useInterviewStore.getState().set({ clockOffsetMs: clockOffsetMs(sentAt, reply.serverNow, Date.now()) })
      })
  }

  socket.on(InterviewEvent.State, (view) => {
    // Until the first round trip is measured, the view's own timestamp gives a rough offset.
    const patch = useInterviewStore.getState().view ? { view } : { view, clockOffsetMs: view.serverNow - Date.now() }
    useInterviewStore.getState().set(patch)
  })
  socket.on(InterviewEvent.Notes, ({ notes }) => useInterviewStore.getState().set({ notes }))
  socket.on(InterviewEvent.Scorecard, ({ scorecard }) => useInterviewStore.getState().set({ scorecard }))
  socket.on(InterviewEvent.Feedback, ({ feedback }) => useInterviewStore.getState().set({ feedback }))
  socket.on(InterviewEvent.SessionChanged, onSessionChanged)
  socket.on('connect', syncClock)
  if (socket.connected) syncClock()
  const timer = setInterval(syncClock, TIME_SYNC_INTERVAL_MS)
  store.set({ commands })

  return () => {
    clearInterval(timer)
    socket.off(InterviewEvent.State)
    socket.off(InterviewEvent.Notes)
    socket.off(InterviewEvent.Scorecard)
    socket.off(InterviewEvent.Feedback)
    socket.off(InterviewEvent.SessionChanged)
    socket.off('connect', syncClock)
    useInterviewStore.getState().reset()
  }
}
