/**
 * Bumped whenever a REST body, socket.io event, close code, timeline event or the stored
 * interview state changes incompatibly.
 */
export const PROTOCOL_VERSION = 1
