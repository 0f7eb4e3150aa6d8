import type { AudioClientToServer, AudioServerToClient } from './audio.ts'
import type { InterviewClientToServer, InterviewServerToClient } from './interview.ts'
import type { PresenceClientToServer, PresenceServerToClient } from './presence.ts'
import type { RecordingClientToServer, RecordingServerToClient } from './recording.ts'

/** Every socket.io event the server emits, with its payload. */
export interface ServerToClientEvents
  extends PresenceServerToClient, InterviewServerToClient, AudioServerToClient, RecordingServerToClient {}

/** Every socket.io event a client may emit, with its payload and acknowledgement. */
export interface ClientToServerEvents
  extends PresenceClientToServer, InterviewClientToServer, AudioClientToServer, RecordingClientToServer {}
