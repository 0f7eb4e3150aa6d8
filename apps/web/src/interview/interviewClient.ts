import { clockOffsetMs, InterviewEvent, type ClientToServerEvents } from '@loopboard/protocol'
import { COMMAND_TIMEOUT_MS, sendCommand, type RoomSocket } from '../lib/sendCommand.ts'
import { useInterviewStore, type InterviewCommands } from './interviewStore.ts'

/** Re-measure the clock offset this often; clocks drift and laptops sleep. */
const TIME_SYNC_INTERVAL_MS = 30_000
/** Extra samples after each connect: a page busy mounting answers late, and one late sample is off by half its delay. */
const TIME_SYNC_FOLLOW_UPS_MS = [1_000, 3_000]
/** How long the shortest round trip's sample is preferred over a slower one. */
const TIME_SAMPLE_TRUST_MS = 5 * 60_000

/**
 * Wire the interview events of a room socket to the interview store and return the
 * commands. `onSessionChanged` runs when the server says roles were swapped.
 * @returns a function that removes the listeners.
 */
export function attachInterviewClient(socket: RoomSocket, onSessionChanged: () => void): () => void {
  const store = useInterviewStore.getState()

  const send = <T extends object>(event: keyof ClientToServerEvents, payload: unknown) =>
    sendCommand<T>(socket, event, payload)

  const commands: InterviewCommands = {
    setPrompt: (promptId) => send(InterviewEvent.SetPrompt, { promptId }),
    addPrompt: (prompt) => send(InterviewEvent.AddPrompt, { prompt }),
    control: (action) => send(InterviewEvent.Control, { action }),
    revealHint: () => send(InterviewEvent.RevealHint, {}),
    swapRoles: () => send(InterviewEvent.SwapRoles, {}),
    addNote: (text, shapeId) => send(InterviewEvent.AddNote, { text, shapeId }),
    saveScorecard: (scorecard) => send(InterviewEvent.SaveScorecard, scorecard),
    publishFeedback: (markdown) => send(InterviewEvent.PublishFeedback, { markdown }),
    saveDraft: (draft) => send(InterviewEvent.SaveDraft, draft),
  }

  // The offset is only as good as its round trip is short: keep the sample with the shortest one
  // (NTP's rule), until it is old enough that drift matters more.
  let best: { roundTripMs: number; at: number } | null = null
  const syncClock = () => {
    const sentAt = Date.now()
    socket
      .timeout(COMMAND_TIMEOUT_MS)
      .emit(InterviewEvent.TimeSync, {}, (error: Error | null, reply: { serverNow: number }) => {
        if (error) return
        const receivedAt = Date.now()
        const roundTripMs = receivedAt - sentAt
        if (best && roundTripMs > best.roundTripMs && receivedAt - best.at < TIME_SAMPLE_TRUST_MS) return
        best = { roundTripMs, at: receivedAt }
        useInterviewStore.getState().set({ clockOffsetMs: clockOffsetMs(sentAt, reply.serverNow, receivedAt) })
      })
  }
  const followUps = new Set<ReturnType<typeof setTimeout>>()
  const onConnect = () => {
    best = null
    syncClock()
    for (const delay of TIME_SYNC_FOLLOW_UPS_MS) {
      const timer = setTimeout(() => {
        followUps.delete(timer)
        syncClock()
      }, delay)
      followUps.add(timer)
    }
  }

  socket.on(InterviewEvent.State, (view) => {
    // Until the first round trip is measured, the view's own timestamp gives a rough offset.
    const patch = useInterviewStore.getState().view ? { view } : { view, clockOffsetMs: view.serverNow - Date.now() }
    useInterviewStore.getState().set(patch)
  })
  socket.on(InterviewEvent.Notes, ({ notes }) => useInterviewStore.getState().set({ notes }))
  socket.on(InterviewEvent.Scorecard, ({ scorecard }) => useInterviewStore.getState().set({ scorecard }))
  socket.on(InterviewEvent.Feedback, ({ feedback }) => useInterviewStore.getState().set({ feedback }))
  socket.on(InterviewEvent.Drafts, ({ drafts }) => useInterviewStore.getState().set({ drafts }))
  socket.on(InterviewEvent.SessionChanged, onSessionChanged)
  socket.on('connect', onConnect)
  if (socket.connected) onConnect()
  const timer = setInterval(syncClock, TIME_SYNC_INTERVAL_MS)
  store.set({ commands })

  return () => {
    clearInterval(timer)
    for (const followUp of followUps) clearTimeout(followUp)
    socket.off(InterviewEvent.State)
    socket.off(InterviewEvent.Notes)
    socket.off(InterviewEvent.Scorecard)
    socket.off(InterviewEvent.Feedback)
    socket.off(InterviewEvent.Drafts)
    socket.off(InterviewEvent.SessionChanged)
    socket.off('connect', onConnect)
    useInterviewStore.getState().reset()
  }
}
