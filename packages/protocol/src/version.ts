/** Bumped whenever a REST body, socket.io event or close code changes incompatibly. */
export const PROTOCOL_VERSION = 1
