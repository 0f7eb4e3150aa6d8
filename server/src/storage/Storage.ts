import type { Role } from '@loopboard/protocol'

export interface RoomRow {
  id: string
  title: string
  createdAt: number
  /** Peer mocks: the interviewer and candidate links have traded roles. */
  rolesSwapped?: boolean
  /** The interviewer key that created the room (`ROOM_CREATION=restricted`); null when created openly. */
  createdByKey?: string | null
}

/** One accepted board update, as kept in the room log. */
export interface StoredUpdate {
  seq: number
  /** Server time, ms since the epoch. */
  ts: number
  author: Role
  update: Uint8Array
}

/** An update to append; storage gives it the room's next seq when it commits it. */
export type NewUpdate = Omit<StoredUpdate, 'seq'>

/** What a room needs to come back to life: its latest snapshot and the log after it. */
export interface StoredRoomState {
  snapshot: Uint8Array | null
  /** Updates after the snapshot, in order. */
  updates: Uint8Array[]
  /** Highest seq in the log (0 when empty). */
  lastSeq: number
  /** seq the snapshot covers up to (0 when none). */
  snapshotSeq: number
}

/**
 * Rooms, their tokens and their board log. Synchronous, as the embedded SQLite driver is; the
 * relay sees every backend through the asynchronous `AsyncStorage` (SQLite via
 * `asyncStorage()`), and its UpdateBatcher commits the updates of one event-loop turn in one
 * `commitUpdates`, broadcasting them once it resolves — or, on the embedded SQLite, each update
 * at once through `JournaledStorage` (a journal append). `storageContract.ts` says what every
 * backend must do.
 */
export interface Storage {
  createRoom(room: RoomRow, tokenHashes: Record<Role, string>): void
  getRoom(roomId: string): RoomRow | null
  /** The seat (the role the link was made for) whose token hashes to `tokenHash`, if any. */
  findSeat(roomId: string, tokenHash: string): Role | null
  /** A seat's new link: its token hash replaced, so the old token opens nothing any more. */
  replaceTokenHash(roomId: string, seat: Role, tokenHash: string): void
  /** The room and seat of a token hash, whatever the room (token hashes are unique). */
  findByTokenHash(tokenHash: string): { roomId: string; seat: Role } | null
  /** Peer mocks: the interviewer and candidate links trade roles (or trade back). */
  setRolesSwapped(roomId: string, swapped: boolean): void
  /** Delete the room and every row that belongs to it; false if there was no such room. */
  deleteRoom(roomId: string): boolean
  /**
   * Rooms whose last activity (creation, board update, timeline event, scorecard save, audio
   * chunk) is older than `before`, stalest first.
   */
  roomsInactiveSince(before: number): string[]
  appendUpdate(roomId: string, update: StoredUpdate): void
  /** Append many updates (of any rooms) in one transaction: all are stored, or none. */
  appendUpdates(batch: ReadonlyArray<{ roomId: string; update: StoredUpdate }>): void
  /**
   * Append many updates (of any rooms) in one transaction, all or none, each numbered with its
   * room's next seq in batch order. Returns the seq of each, in batch order. Seqs are allocated
   * here, at commit, so relays sharing a database never hand out the same one: this is how the
   * relay appends.
   */
  commitUpdates(batch: ReadonlyArray<{ roomId: string; update: NewUpdate }>): number[]
  loadRoomState(roomId: string): StoredRoomState
  saveSnapshot(roomId: string, uptoSeq: number, state: Uint8Array, ts: number): void
  /** All updates of a room in order (history and tests). */
  readUpdates(roomId: string, afterSeq?: number): StoredUpdate[]
  /** Server times of the room's first and last board update (null when it has none). */
  updateSpan(roomId: string): { first: number | null; last: number | null }
  /** Throws unless the database answers a trivial query (`GET /readyz`). */
  ping(): void
  close(): void
}
