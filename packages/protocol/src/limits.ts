/** Default largest WebSocket frame the relay accepts on /yjs (bytes). Configurable on the server. */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024 // 1 MiB

/** Longest display name, in characters. */
export const MAX_NAME_LENGTH = 40

/** Longest room title, in characters. */
export const MAX_TITLE_LENGTH = 120

/**
 * Close codes the relay uses on /yjs. 1003/1007/1008/1009 are the RFC 6455 meanings;
 * 4xxx are application codes (the 4000–4999 range is reserved for applications).
 */
export const CloseCode = {
  /** A text frame arrived; the y-websocket protocol is binary only. */
  UnsupportedData: 1003,
  /** The frame was not a well-formed y-websocket / Yjs message. */
  MalformedMessage: 1007,
  /** The frame was larger than the configured limit. */
  MessageTooBig: 1009,
  /** The room was unloaded (idle) or the server is going away; reconnect. */
  GoingAway: 1001,
  /** The server is restarting: everything received before this close is stored; reconnect. */
  ServiceRestart: 1012,
  /** The room was deleted while the socket was open. */
  RoomGone: 4404,
  /** The socket did not read what it was sent: its send buffer went over the limit. */
  SlowConsumer: 4408,
  /** The room already has the most participants it admits. */
  RoomFull: 4409,
  /**
   * A message went over a budget: a Yjs update nested too deeply, with too many structs or
   * with more unresolved dependencies than the room holds; an awareness state too large.
   * Nothing of it was applied or stored.
   */
  OverBudget: 4413,
  /** Too many sync-step-1 / query-awareness requests from one socket. */
  RateLimited: 4429,
  /** The room's stored state could not be loaded; its history is kept for repair. */
  RoomUnavailable: 4503,
} as const

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode]

/**
 * Query parameter carrying the room id on every /yjs and /socket.io request, so a load balancer
 * in front of several relays can route a room's connections by it (HAProxy `balance url_param`).
 * Routing only: the server never trusts it (the room comes from the path or the handshake auth).
 */
export const ROUTING_ROOM_PARAM = 'room'
