import type { Participant, Role } from '@loopboard/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { createLogger } from '../logger.ts'
import { waitFor } from '../test/helpers.ts'
import {
  PresenceDirectory,
  type DirectoryMessage,
  type DirectoryTransport,
  type Member,
  type RemoteChange,
} from './PresenceDirectory.ts'

const HEARTBEAT_MS = 50
const NODE_TIMEOUT_MS = 250

/**
 * Redis pub/sub as the directories see it: a message reaches every other subscriber, in the order
 * published, unless the link is cut (messages published meanwhile are lost, as pub/sub loses them).
 */
class Wire {
  private handlers = new Map<string, (message: unknown) => void>()
  private queue: Array<{ from: string; message: unknown }> = []
  private draining = false
  cut = new Set<string>()
  sent: DirectoryMessage[] = []

  transport(name: string): DirectoryTransport {
    return {
      publish: (message) => {
        if (this.cut.has(name)) return
        this.sent.push(message)
        this.deliver(name, message)
      },
      subscribe: (handler) => void this.handlers.set(name, handler),
    }
  }

  /** Send something else on the channel, as a misbehaving or newer relay could. */
  inject(message: unknown) {
    this.deliver('injected', message)
  }

  private deliver(from: string, message: unknown) {
    this.queue.push({ from, message })
    if (this.draining) return
    this.draining = true
    while (this.queue.length) {
      const next = this.queue.shift()!
      for (const [name, handler] of this.handlers) {
        if (name !== next.from && !this.cut.has(name)) handler(structuredClone(next.message))
      }
    }
    this.draining = false
  }
}

const directories: PresenceDirectory[] = []
afterEach(() => {
  for (const d of directories.splice(0)) d.close()
})

function relay(wire: Wire, name: string) {
  const changes: RemoteChange[] = []
  const directory = new PresenceDirectory({
    nodeId: name,
    logger: createLogger('silent'),
    transport: wire.transport(name),
    onRemoteChange: (change) => changes.push(change),
    heartbeatMs: HEARTBEAT_MS,
    nodeTimeoutMs: NODE_TIMEOUT_MS,
  })
  directories.push(directory)
  return { directory, changes }
}

let joined = 0
function member(socketId: string, roomId = 'room-1', seat: Role = 'candidate'): Member {
  const participant: Participant = {
    id: socketId,
    userId: `user-${socketId}`,
    name: socketId,
    role: seat,
    status: 'online',
    joinedAt: ++joined,
    color: '#e03131',
  }
  return { socketId, roomId, seat, participant, audio: false }
}

const ids = (d: PresenceDirectory, roomId = 'room-1') =>
  d
    .members(roomId)
    .map((m) => m.socketId)
    .sort()

describe('PresenceDirectory', () => {
  it('shows each relay the others’ members, with every join, change and leave reported', () => {
    const wire = new Wire()
    const a = relay(wire, 'a')
    const b = relay(wire, 'b')
    a.directory.put(member('s1'))
    b.directory.put(member('s2'))
    b.directory.put(member('s3', 'room-2'))
    expect(ids(a.directory)).toEqual(['s1', 's2'])
    expect(ids(b.directory)).toEqual(['s1', 's2'])
    expect(ids(a.directory, 'room-2')).toEqual(['s3'])
    expect(a.directory.count('room-1')).toBe(2)

    b.directory.put({ ...member('s2'), audio: true })
    expect(a.directory.member('room-1', 's2')?.audio).toBe(true)
    // A socket of another room is not found under this one.
    expect(a.directory.member('room-1', 's3')).toBeUndefined()
    b.directory.remove('s2')
    expect(ids(a.directory)).toEqual(['s1'])
    expect(a.changes.map((c) => [c.before?.socketId ?? null, c.after?.socketId ?? null, c.reason])).toEqual([
      [null, 's2', 'diff'],
      [null, 's3', 'diff'],
      ['s2', 's2', 'diff'],
      ['s2', null, 'diff'],
    ])
  })

  it('catches up at the next heartbeat after losing changes, reporting what it missed', async () => {
    const wire = new Wire()
    const a = relay(wire, 'a')
    const b = relay(wire, 'b')
    b.directory.put(member('s1'))
    b.directory.put(member('s2'))
    expect(ids(a.directory)).toEqual(['s1', 's2'])
    // B's changes are lost on the way (its link to Redis is down).
    wire.cut.add('b')
    b.directory.remove('s1')
    b.directory.put({ ...member('s2'), audio: true })
    b.directory.put(member('s4'))
    expect(ids(a.directory)).toEqual(['s1', 's2'])
    a.changes.length = 0
    wire.cut.delete('b')
    // B's next beat carries a version A has not seen: A asks for B's whole list.
    await waitFor(() => ids(a.directory).join() === 's2,s4', 'A to catch up with B')
    expect(a.directory.member('room-1', 's2')?.audio).toBe(true)
    expect(a.changes.map((c) => [c.before?.socketId ?? null, c.after?.socketId ?? null, c.reason])).toEqual([
      ['s1', null, 'resync'],
      ['s2', 's2', 'resync'],
      [null, 's4', 'resync'],
    ])
  })

  it('applies nothing after a gap until the full list arrives', () => {
    const wire = new Wire()
    const a = relay(wire, 'a')
    const b = relay(wire, 'b')
    b.directory.put(member('s1'))
    wire.cut.add('b')
    b.directory.put(member('s2'))
    wire.cut.delete('b')
    const fulls = () => wire.sent.filter((m) => m.type === 'full' && m.from === b.directory.instanceId).length
    const before = fulls()
    // The next change arrives with a gap before it: A asks, and B's answer carries all three.
    b.directory.put(member('s3'))
    expect(fulls()).toBe(before + 1)
    expect(ids(a.directory)).toEqual(['s1', 's2', 's3'])
  })

  it('drops a relay that stops beating, and at once one that says goodbye', async () => {
    const wire = new Wire()
    const a = relay(wire, 'a')
    const b = relay(wire, 'b')
    const c = relay(wire, 'c')
    b.directory.put(member('s1'))
    c.directory.put(member('s2'))
    expect(ids(a.directory)).toEqual(['s1', 's2'])

    c.directory.close()
    expect(ids(a.directory)).toEqual(['s1'])
    expect(a.changes.at(-1)).toMatchObject({ before: { socketId: 's2' }, after: undefined, reason: 'node-left' })

    // kill -9: B says nothing more.
    wire.cut.add('b')
    const silentAt = Date.now()
    await waitFor(() => ids(a.directory).length === 0, 'A to drop B', 5_000)
    expect(Date.now() - silentAt).toBeGreaterThanOrEqual(NODE_TIMEOUT_MS - HEARTBEAT_MS)
    expect(a.changes.at(-1)).toMatchObject({ before: { socketId: 's1' }, after: undefined, reason: 'node-lost' })
    // B comes back (its link to Redis was only cut): its members return with its next beat.
    wire.cut.delete('b')
    await waitFor(() => ids(a.directory).join() === 's1', 'A to take B back')
  })

  it('is synced once a heartbeat round went by and every relay it heard sent its list', async () => {
    const wire = new Wire()
    const a = relay(wire, 'a')
    expect(a.directory.synced()).toBe(false)
    await waitFor(() => a.directory.synced(), 'A alone to be synced', 5_000)
    const alone = new PresenceDirectory({ nodeId: 'embedded', logger: createLogger('silent') })
    expect(alone.synced()).toBe(true)
    alone.close()
  })

  it('ignores malformed messages and members claiming impossible values', () => {
    const wire = new Wire()
    const a = relay(wire, 'a')
    for (const message of [
      null,
      'hello',
      { type: 'put', from: 'x', node: 'x', version: 1 },
      { type: 'put', from: 'x', node: 'x', version: 1, member: { ...member('s9'), seat: 'admin' } },
      { type: 'full', from: 'x', node: 'x', version: -1, members: [] },
      { type: 'nuke', from: 'x' },
    ]) {
      expect(() => wire.inject(message)).not.toThrow()
    }
    expect(a.directory.members('room-1')).toEqual([])
  })
})
