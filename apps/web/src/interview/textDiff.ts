import type * as Y from 'yjs'

/** The single edit that turns `before` into `after`: common prefix and suffix kept. */
export function diffText(before: string, after: string): { index: number; remove: number; insert: string } {
  let start = 0
  const max = Math.min(before.length, after.length)
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++
  let endBefore = before.length
  let endAfter = after.length
  while (endBefore > start && endAfter > start && before.charCodeAt(endBefore - 1) === after.charCodeAt(endAfter - 1)) {
    endBefore--
    endAfter--
  }
  return { index: start, remove: endBefore - start, insert: after.slice(start, endAfter) }
}

/** Apply a textarea edit to a Y.Text as one minimal change, so concurrent edits elsewhere survive. */
export function applyTextEdit(ytext: Y.Text, before: string, after: string, origin: unknown): void {
  const { index, remove, insert } = diffText(before, after)
  if (!remove && !insert) return
  ytext.doc!.transact(() => {
    if (remove) ytext.delete(index, remove)
    if (insert) ytext.insert(index, insert)
  }, origin)
}
