import { canEditBoard, type Role } from '@loopboard/protocol'
import { bindPresence, bindStoreToYDoc } from '@loopboard/tldraw-yjs'
import {
  atom,
  createTLCurrentUser,
  createTLStore,
  createUserId,
  defaultBindingUtils,
  defaultShapeUtils,
  UserRecordType,
  type TLCurrentUser,
  type TLInstancePresence,
  type TLStore,
  type TLUserPreferences,
} from 'tldraw'
import type { Awareness } from 'y-protocols/awareness'
import type * as Y from 'yjs'

export interface Board {
  store: TLStore
  user: TLCurrentUser
  /** Tell tldraw whether the server link is up (it shows its own offline hint). */
  setOnline(online: boolean): void
  /** Wear the colour the server assigned (cursor, selection) from now on. */
  setColor(color: string): void
  destroy(): void
}

export interface CreateBoardOptions {
  doc: Y.Doc
  awareness: Awareness
  role: Role
  userId: string
  name: string
  color: string
  /** The board was saved by a newer Loopboard (tldraw schema): it is left untouched, read-only. */
  onNewerSchema?: () => void
}

/**
 * The cursor label: display name and the role the server vouches for. Speaking and muted are
 * drawn by {@link PeerCursor} as icons beside it.
 */
export function cursorLabel(name: string, role: unknown): string {
  return typeof role === 'string' ? `${name} · ${role}` : name
}

/**
 * A tldraw store bound to the room's Y.Doc and awareness. Made outside React so the binding
 * exists before the editor mounts: the editor then sees the stored board at once and does
 * not create a second default page.
 */
export function createBoard({ doc, awareness, role, userId, name, color, onNewerSchema }: CreateBoardOptions): Board {
  const status = atom<'online' | 'offline'>('connection status', 'offline')
  const mode = atom<'readonly' | 'readwrite'>('mode', canEditBoard(role) ? 'readwrite' : 'readonly')
  const store = createTLStore({
    shapeUtils: defaultShapeUtils,
    bindingUtils: defaultBindingUtils,
    collaboration: { status, mode },
  })
  const preferences = atom<TLUserPreferences>('user preferences', { id: userId, name, color })
  const user = createTLCurrentUser({
    userPreferences: preferences,
    setUserPreferences: (next) => preferences.set({ ...next, id: userId }),
  })
  const presenceUser = atom(
    'presence user',
    UserRecordType.create({ id: createUserId(userId), name, color, imageUrl: '' })
  )

  const warn = (what: string) => (id: unknown, error: unknown) =>
    console.warn(`[board] skipped ${what} ${String(id)}: ${(error as Error)?.message ?? String(error)}`)
  const unbindStore = bindStoreToYDoc({
    store,
    doc,
    onInvalidRecord: warn('record'),
    writable: canEditBoard(role),
    onNewerSchema: () => {
      // Nothing of the board is read or written by this client; make that visible in the editor too.
      mode.set('readonly')
      onNewerSchema?.()
    },
  })
  const unbindPresence = bindPresence({
    store,
    awareness,
    user: presenceUser,
    decorate: (presence: TLInstancePresence, state) => ({
      ...presence,
      userName: cursorLabel(presence.userName, state.role),
    }),
    onInvalidPresence: warn('presence of client'),
  })

  return {
    store,
    user,
    setOnline: (online) => status.set(online ? 'online' : 'offline'),
    setColor: (next) => {
      preferences.update((p) => ({ ...p, color: next }))
      presenceUser.update((u) => ({ ...u, color: next }))
    },
    destroy() {
      unbindPresence()
      unbindStore()
      store.dispose()
    },
  }
}
