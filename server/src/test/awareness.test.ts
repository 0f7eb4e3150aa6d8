import { describe, expect, it } from 'vitest'
import type { WebSocket } from 'ws'
import type { Awareness } from 'y-protocols/awareness'
import {
  awarenessFrame,
  createRoom,
  decodeAwarenessPayload,
  decodeFrame,
  newTabSecret,
  synced,
  useTestContext,
  waitFor,
  withTimeout,
  type ProviderHandle,
} from './helpers.ts'

const ctx = useTestContext()

type State = Record<string, unknown>

/** Resolve once `awareness` satisfies `check`, re-checking on each awareness update. */
function awarenessUntil(awareness: Awareness, check: (states: Map<number, State>) => boolean, label: string) {
  return withTimeout(
    new Promise<void>((resolve) => {
      const test = () => {
        if (!check(awareness.getStates() as Map<number, State>)) return
        awareness.off('update', test)
        resolve()
      }
      awareness.on('update', test)
      test()
    }),
    label
  )
}

const stateOf = (viewer: ProviderHandle, of: number) =>
  viewer.provider.awareness.getStates().get(of) as State | undefined

async function setup() {
  const server = await ctx.server()
  const room = await createRoom(server)
  const alice = await ctx.syncedProvider(server, room.roomId, room.tokens.candidate)
  const bob = await ctx.syncedProvider(server, room.roomId, room.tokens.interviewer)
  alice.provider.awareness.setLocalState({ name: 'Alice', role: 'candidate' })
  await awarenessUntil(bob.provider.awareness, (s) => s.get(alice.doc.clientID)?.name === 'Alice', 'bob to see alice')
  return { server, room, alice, bob }
}

describe('awareness is tied to the connection', () => {
  it('ignores another connection’s updates for a client id it does not own', async () => {
    const { server, room, alice, bob } = await setup()
    const mallory = await ctx.raw(server, room.roomId, room.tokens.interviewer)
    const victim = alice.doc.clientID
    const mine = victim === 424242 ? 424243 : 424242

    mallory.send(awarenessFrame([{ clientId: victim, clock: 10_000, state: { name: 'Mallory', role: 'interviewer' } }]))
    mallory.send(awarenessFrame([{ clientId: victim, clock: 10_001, state: null }]))
    // Mixed update: only her own entry may count.
    mallory.send(
      awarenessFrame([
        { clientId: victim, clock: 10_002, state: { name: 'Mallory again' } },
        { clientId: mine, clock: 1, state: { name: 'Mallory (herself)' } },
      ])
    )
    // Frames are handled in order, and broadcasts to bob are in order: once bob sees Mallory's own
    // state, anything the spoofs had caused would already have reached him.
    await awarenessUntil(bob.provider.awareness, (s) => s.has(mine), 'bob to see mallory herself')

    expect(stateOf(bob, victim)).toEqual({ name: 'Alice', role: 'candidate' })
    expect(stateOf(bob, mine)).toEqual({ name: 'Mallory (herself)', role: 'interviewer' })
    expect(server.relay.room(room.roomId).awareness.getStates().get(victim)).toEqual({
      name: 'Alice',
      role: 'candidate',
    })
    expect(alice.provider.awareness.getLocalState()).toEqual({ name: 'Alice', role: 'candidate' })
    expect(mallory.isOpen).toBe(true)

    // Alice's own later changes still go through.
    alice.provider.awareness.setLocalStateField('name', 'Alice B.')
    await awarenessUntil(bob.provider.awareness, (s) => s.get(victim)?.name === 'Alice B.', 'bob to see alice rename')
  })

  it('overwrites the role with the connection’s real role', async () => {
    const { server, room, bob } = await setup()
    const liar = await ctx.syncedProvider(server, room.roomId, room.tokens.candidate)
    liar.provider.awareness.setLocalState({ name: 'Carl', role: 'interviewer' })
    const observer = await ctx.syncedProvider(server, room.roomId, room.tokens.observer)
    observer.provider.awareness.setLocalState({ name: 'Olga', role: 'interviewer' })
    const noRole = await ctx.syncedProvider(server, room.roomId, room.tokens.observer)
    noRole.provider.awareness.setLocalState({ name: 'Nora' })

    const ids = [liar, observer, noRole].map((p) => p.doc.clientID)
    await awarenessUntil(bob.provider.awareness, (s) => ids.every((id) => s.has(id)), 'bob to see everyone')
    expect(stateOf(bob, liar.doc.clientID)).toEqual({ name: 'Carl', role: 'candidate' })
    expect(stateOf(bob, observer.doc.clientID)).toEqual({ name: 'Olga', role: 'observer' })
    expect(stateOf(bob, noRole.doc.clientID)).toEqual({ name: 'Nora', role: 'observer' })
    // What the liar sees of itself in others' eyes comes back corrected too.
    await awarenessUntil(
      observer.provider.awareness,
      (s) => s.get(liar.doc.clientID)?.role === 'candidate',
      'observer view'
    )
  })

  it('keeps a user colour only when it is a hex colour (it ends up in a style attribute)', async () => {
    const { server, room, bob } = await setup()
    const css = await ctx.syncedProvider(server, room.roomId, room.tokens.candidate)
    css.provider.awareness.setLocalState({
      user: { name: 'Cara', color: 'red; background-image: url(https://example.invalid/x)', colorLight: '#abc' },
    })
    const plain = await ctx.syncedProvider(server, room.roomId, room.tokens.observer)
    plain.provider.awareness.setLocalState({ user: { name: 'Olga', color: '#1971c2' } })

    const ids = [css, plain].map((p) => p.doc.clientID)
    await awarenessUntil(bob.provider.awareness, (s) => ids.every((id) => s.has(id)), 'bob to see both')
    const cara = stateOf(bob, css.doc.clientID)!.user as Record<string, unknown>
    expect(cara.name).toBe('Cara')
    expect(cara.color).toBeUndefined()
    expect(cara.colorLight).toBe('#abc')
    expect((stateOf(bob, plain.doc.clientID)!.user as Record<string, unknown>).color).toBe('#1971c2')
  })

  it('removes a socket’s awareness for everyone when it closes without saying goodbye', async () => {
    const { server, room, alice, bob } = await setup()
    const raw = await ctx.raw(server, room.roomId, room.tokens.candidate)
    raw.send(awarenessFrame([{ clientId: 777, clock: 1, state: { name: 'Ghost' } }]))
    await awarenessUntil(bob.provider.awareness, (s) => s.has(777), 'bob to see the ghost')
    await awarenessUntil(alice.provider.awareness, (s) => s.has(777), 'alice to see the ghost')

    raw.ws.terminate()
    await awarenessUntil(bob.provider.awareness, (s) => !s.has(777), 'bob to see the ghost leave')
    await awarenessUntil(alice.provider.awareness, (s) => !s.has(777), 'alice to see the ghost leave')
    expect(server.relay.room(room.roomId).awareness.getStates().has(777)).toBe(false)
    expect(stateOf(bob, alice.doc.clientID)?.name).toBe('Alice')
  })

  it('frees a client id when its socket drops, so the same client can reclaim it on reconnect', async () => {
    const { server, room, alice, bob } = await setup()
    const id = alice.doc.clientID
    // Drop alice's socket abruptly; y-websocket reconnects and re-announces her state.
    ;(alice.provider.ws as unknown as WebSocket).terminate()
    await waitFor(() => alice.closes.length === 1, 'alice to notice the drop')
    await synced(alice.provider)
    alice.provider.awareness.setLocalStateField('name', 'Alice (back)')
    await awarenessUntil(bob.provider.awareness, (s) => s.get(id)?.name === 'Alice (back)', 'bob to see alice back')
    expect(server.relay.room(room.roomId).size).toBe(2)
  })

  it('keeps a client id with its participant for the room’s life: after a drop nobody else takes it, the owner does', async () => {
    const { server, room, bob } = await setup()
    const annTab = newTabSecret()
    const ann = await ctx.raw(server, room.roomId, room.tokens.candidate, annTab)
    ann.send(awarenessFrame([{ clientId: 777, clock: 1, state: { name: 'Ann', user: { userId: 'claimed-id' } } }]))
    await awarenessUntil(bob.provider.awareness, (s) => s.get(777)?.name === 'Ann', 'bob to see ann')
    // The participant id in awareness is the server's, not the one claimed.
    const annId = (stateOf(bob, 777)?.user as { userId: string }).userId
    expect(annId).not.toBe('claimed-id')
    expect(annId).toMatch(/^[\w-]{22}$/)

    ann.ws.terminate()
    await awarenessUntil(bob.provider.awareness, (s) => !s.has(777), 'ann to be gone')
    // Another tab on the same link tries to take the free id with a newer clock, as Ann.
    const mallory = await ctx.raw(server, room.roomId, room.tokens.candidate, newTabSecret())
    mallory.send(awarenessFrame([{ clientId: 777, clock: 9, state: { name: 'Ann', user: { userId: annId } } }]))
    mallory.send(awarenessFrame([{ clientId: 778, clock: 1, state: { name: 'Mallory', user: { userId: annId } } }]))
    await awarenessUntil(bob.provider.awareness, (s) => s.has(778), 'bob to see mallory’s own id')
    expect(bob.provider.awareness.getStates().has(777)).toBe(false)
    expect((stateOf(bob, 778)?.user as { userId: string }).userId).not.toBe(annId)

    // Ann reconnects (same tab secret): the id is hers again, with her id.
    const back = await ctx.raw(server, room.roomId, room.tokens.candidate, annTab)
    back.send(awarenessFrame([{ clientId: 777, clock: 10, state: { name: 'Ann (back)', user: {} } }]))
    await awarenessUntil(bob.provider.awareness, (s) => s.get(777)?.name === 'Ann (back)', 'bob to see ann back')
    expect((stateOf(bob, 777)?.user as { userId: string }).userId).toBe(annId)
  })

  it('sends a joining client the current awareness of everyone', async () => {
    const { server, room, alice } = await setup()
    const late = ctx.provider(server, room.roomId, room.tokens.observer)
    await awarenessUntil(
      late.provider.awareness,
      (s) => s.get(alice.doc.clientID)?.name === 'Alice',
      'late joiner to see alice'
    )
  })

  it('answers a query-awareness message with everyone’s state, and ignores client auth messages', async () => {
    const { server, room, alice } = await setup()
    const raw = await ctx.raw(server, room.roomId, room.tokens.observer)
    const hasAlice = (frame: Uint8Array) => {
      const f = decodeFrame(frame)
      return f.type === 'awareness' && decodeAwarenessPayload(f.payload).some((e) => e.clientId === alice.doc.clientID)
    }
    // The join itself sends the current peers once.
    await waitFor(() => raw.messages.filter(hasAlice).length === 1, 'peers on join')
    // y-protocols/auth "permission denied" from a client means nothing to the server.
    raw.send(Uint8Array.of(2, 0, 3, 0x61, 0x62, 0x63))
    raw.send(Uint8Array.of(3))
    await waitFor(() => raw.messages.filter(hasAlice).length === 2, 'the query-awareness reply')
    const reply = decodeFrame(raw.messages.filter(hasAlice)[1]!)
    if (reply.type !== 'awareness') throw new Error('expected awareness')
    expect(decodeAwarenessPayload(reply.payload).find((e) => e.clientId === alice.doc.clientID)?.state).toEqual({
      name: 'Alice',
      role: 'candidate',
    })
    expect(raw.isOpen).toBe(true)
  })
})
