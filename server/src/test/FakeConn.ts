import type { Role } from '@loopboard/protocol'
import type { SyncConnection } from '../sync/SyncRoom.ts'
import { decodeFrame } from './helpers.ts'

/** A room connection that records what it is sent (rooms are driven without sockets in unit tests). */
export class FakeConn implements SyncConnection {
  readonly sent: Uint8Array[] = []
  closed: { code: number; reason: string } | null = null
  /** Called with each frame before it is recorded. */
  onSend: ((frame: Uint8Array) => void) | null = null
  readonly id: number
  readonly role: Role
  readonly participantId: string
  /** `participantId`: the participant this connection is of (a reconnect passes the same one). */
  constructor(id: number, role: Role, participantId = `participant-${id}`) {
    this.id = id
    this.role = role
    this.participantId = participantId
  }
  send(frame: Uint8Array) {
    this.onSend?.(frame)
    this.sent.push(frame)
  }
  close(code: number, reason: string) {
    this.closed = { code, reason }
  }
  decoded() {
    return this.sent.map(decodeFrame)
  }
}
