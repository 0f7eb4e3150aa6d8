import { atom } from '@tldraw/state'
import {
  CameraRecordType,
  InstancePageStateRecordType,
  InstancePresenceRecordType,
  PointerRecordType,
  TLINSTANCE_ID,
  TLPOINTER_ID,
  UserRecordType,
  createUserId,
  type TLInstancePresence,
  type TLStore,
} from '@tldraw/tlschema'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness'
import * as Y from 'yjs'
import { bindPresence, PRESENCE_FIELD } from './bindPresence.ts'
import { makeStore, PAGE_ID, seedRecords } from './test/testStore.ts'

function sessionStore(): TLStore {
  const store = makeStore()
  store.put([
    ...seedRecords(),
    store.schema.types.instance.create({ id: TLINSTANCE_ID, currentPageId: PAGE_ID }),
    InstancePageStateRecordType.create({ id: InstancePageStateRecordType.createId(PAGE_ID), pageId: PAGE_ID }),
    CameraRecordType.create({ id: CameraRecordType.createId(PAGE_ID) }),
    PointerRecordType.create({ id: TLPOINTER_ID }),
  ])
  return store
}

/** Relay awareness between peers the way a server would. */
function link(a: Awareness, b: Awareness) {
  a.on('update', ({ added, updated, removed }: Record<string, number[]>, origin: unknown) => {
    if (origin === b) return
    applyAwarenessUpdate(b, encodeAwarenessUpdate(a, [...added!, ...updated!, ...removed!]), a)
  })
  b.on('update', ({ added, updated, removed }: Record<string, number[]>, origin: unknown) => {
    if (origin === a) return
    applyAwarenessUpdate(a, encodeAwarenessUpdate(b, [...added!, ...updated!, ...removed!]), b)
  })
}

const user = (name: string) =>
  atom('user', UserRecordType.create({ id: createUserId(name), name, color: '#123456', imageUrl: '' }))

const presences = (store: TLStore) =>
  store.allRecords().filter((r): r is TLInstancePresence => r.typeName === 'instance_presence')

afterEach(() => vi.useRealTimers())

describe('bindPresence', () => {
  it("mirrors a peer's cursor into the store, labelled by decorate, and removes it when the peer leaves", async () => {
    vi.useFakeTimers()
    const a = { store: sessionStore(), awareness: new Awareness(new Y.Doc()) }
    const b = { store: sessionStore(), awareness: new Awareness(new Y.Doc()) }
    link(a.awareness, b.awareness)
    a.awareness.setLocalStateField('role', 'interviewer')
    bindPresence({ ...a, user: user('ada') })
    const unbindB = bindPresence({
      ...b,
      user: user('bob'),
      decorate: (p, state) => ({ ...p, userName: `${p.userName} · ${String(state.role)}` }),
    })
    await vi.advanceTimersByTimeAsync(50)

    const seenByB = presences(b.store)
    expect(seenByB).toHaveLength(1)
    expect(seenByB[0]).toMatchObject({
      id: InstancePresenceRecordType.createId(String(a.awareness.clientID)),
      userName: 'ada · interviewer',
      userId: createUserId('ada'),
    })
    expect(presences(a.store).map((p) => p.userName)).toEqual(['bob'])

    a.store.update(TLPOINTER_ID, (p) => ({ ...p, x: 42, y: 24 }))
    await vi.advanceTimersByTimeAsync(50)
    expect(presences(b.store)[0]?.cursor).toMatchObject({ x: 42, y: 24 })

    unbindB()
    expect(presences(b.store)).toHaveLength(0)
    expect(presences(a.store)).toHaveLength(0)
  })

  it('keys a peer by its awareness client id, whatever id it claims, and skips invalid presence', async () => {
    vi.useFakeTimers()
    const a = { store: sessionStore(), awareness: new Awareness(new Y.Doc()) }
    const mallory = new Awareness(new Y.Doc())
    const carol = new Awareness(new Y.Doc())
    link(a.awareness, mallory)
    link(a.awareness, carol)
    const onInvalidPresence = vi.fn()
    bindPresence({ ...a, user: user('ada'), onInvalidPresence })
    await vi.advanceTimersByTimeAsync(50)
    const own = a.awareness.getLocalState()?.[PRESENCE_FIELD] as TLInstancePresence
    mallory.setLocalStateField(PRESENCE_FIELD, { ...own, userName: 'spoof' })
    carol.setLocalStateField(PRESENCE_FIELD, { junk: true })

    const records = presences(a.store)
    expect(records).toHaveLength(1)
    expect(records[0]!.id).toBe(InstancePresenceRecordType.createId(String(mallory.clientID)))
    expect(onInvalidPresence).toHaveBeenCalledWith(carol.clientID, expect.anything())
  })
})
