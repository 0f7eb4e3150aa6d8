/** Boards written through the real binding, and a client that uploads one to a relay room. */
import { bindStoreToYDoc } from '@loopboard/tldraw-yjs'
import * as Y from 'yjs'
import { openClient, waitUntil, whenReady, type RoomAccess } from './clients.ts'
import { boardShapes, flush, makeStore, rng, seedRecords } from './tldraw.ts'

export interface Board {
  shapes: number
  /** The board as the binding wrote it, one Y update per batch of shapes (then any drags). */
  updates: Uint8Array[]
  stateBytes: number
}

/**
 * `shapes` shapes created `perUpdate` at a time through a bound headless store, followed by
 * `drags` single-frame moves of random shapes (they land in the room log after its snapshot).
 */
export function buildBoard(shapes: number, perUpdate: number, drags = 0, seed = 1): Board {
  const store = makeStore()
  store.put(seedRecords())
  const doc = new Y.Doc()
  bindStoreToYDoc({ store, doc })
  const updates: Uint8Array[] = [Y.encodeStateAsUpdate(doc)]
  doc.on('update', (u: Uint8Array) => updates.push(u))
  const all = boardShapes(shapes, seed)
  for (let i = 0; i < all.length; i += perUpdate) {
    store.put(all.slice(i, i + perUpdate))
    flush(store)
  }
  const r = rng(seed + 1)
  for (let i = 0; i < drags; i++) {
    const id = all[Math.floor(r() * all.length)]!.id
    store.update(id, (s) => ({ ...s, x: s.x + 1.5 + r(), y: s.y - 0.5 + r() }))
    flush(store)
  }
  const stateBytes = Y.encodeStateAsUpdate(doc).byteLength
  doc.destroy()
  store.dispose()
  return { shapes, updates, stateBytes }
}

/** Records (document, page, shapes) a board holds once fully synced. */
export const boardRecords = (board: Board) => board.shapes + 2

/**
 * Connect a client to `room`, send every update of `board` as its own frame, and wait until a
 * second, fresh client sees the whole board from the relay. Both disconnect afterwards.
 */
export async function uploadBoard(wsBase: string, room: RoomAccess, board: Board, timeoutMs = 60_000) {
  const writer = openClient(wsBase, room)
  try {
    await whenReady(writer, true, timeoutMs)
    for (const update of board.updates) Y.applyUpdate(writer.doc, update)
    const checker = openClient(wsBase, room)
    try {
      await whenReady(checker, true, timeoutMs)
      const records = checker.doc.getMap('tldraw')
      await waitUntil(() => records.size >= boardRecords(board), `room ${room.roomId} to hold the board`, timeoutMs)
    } finally {
      checker.close()
    }
  } finally {
    writer.close()
  }
}
