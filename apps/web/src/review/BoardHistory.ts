import type { LoggedUpdate } from '@loopboard/board-replay'
import type * as Y from 'yjs'

/** What the replay needs of a session's update log: the log itself, counting, and the board at a time. */
export interface BoardHistory {
  readonly updates: readonly LoggedUpdate[]
  readonly start: number
  readonly end: number
  /** How many updates had been accepted by server time `t` (inclusive). */
  countAt(t: number): number
  /** A fresh Y.Doc holding the board at server time `t`. */
  docAt(t: number): Y.Doc
  /** A fresh Y.Doc holding the board after the first `count` updates. */
  docAtCount(count: number): Y.Doc
}
