import { PARTICIPANT_COLORS, type Participant } from '@loopboard/protocol'

/**
 * A colour for `userId` that nobody else in the room holds: the one its other connection already
 * has (a second socket of the same tab keeps its colour), else the first free one, else (more
 * people than colours) the least used.
 */
export function colorFor(userId: string, present: ReadonlyMap<string, Participant>): string {
  const uses = new Map<string, number>(PARTICIPANT_COLORS.map((c) => [c, 0]))
  for (const p of present.values()) {
    if (p.userId === userId) return p.color
    uses.set(p.color, (uses.get(p.color) ?? 0) + 1)
  }
  let best: string = PARTICIPANT_COLORS[0]
  for (const color of PARTICIPANT_COLORS) if (uses.get(color)! < uses.get(best)!) best = color
  return best
}
