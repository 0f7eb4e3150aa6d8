import { afterEach, describe, expect, it } from 'vitest'
import type { Logger } from '../logger.ts'
import { asyncStorage } from '../storage/AsyncStorage.ts'
import { SqliteStorage } from '../storage/SqliteStorage.ts'
import { RoomLifecycle, type RoomLifecycleOptions } from './RoomLifecycle.ts'
import { RoomService } from './RoomService.ts'

const DAY_MS = 24 * 60 * 60 * 1000
const open: SqliteStorage[] = []
afterEach(() => {
  for (const storage of open.splice(0)) storage.close()
})

function setup(retentionDays = 0, runOnce?: RoomLifecycleOptions['runOnce']) {
  const storage = new SqliteStorage(':memory:')
  open.push(storage)
  const errors: Array<{ message: string; fields?: Record<string, unknown> }> = []
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: (message, fields) => errors.push({ message, fields }),
  }
  const rooms = new RoomService(asyncStorage(storage))
  const lifecycle = new RoomLifecycle({ rooms, storage: asyncStorage(storage), logger, retentionDays, runOnce })
  return { storage, rooms, lifecycle, errors }
}

describe('RoomLifecycle', () => {
  it('deletes a room in order: connections closed while its rows exist, then rows, then what parts kept', async () => {
    const { storage, lifecycle } = setup()
    const { room } = await lifecycle.create('Doomed')
    const seen: string[] = []
    lifecycle.register({
      name: 'relay',
      closeConnections: (id) => void seen.push(`close ${id} (row ${storage.getRoom(id) ? 'there' : 'gone'})`),
    })
    lifecycle.register({
      name: 'files',
      release: async (id) => {
        seen.push(`release ${id} (row ${storage.getRoom(id) ? 'there' : 'gone'})`)
      },
    })
    expect(await lifecycle.deleteRoom(room.id)).toBe(true)
    expect(seen).toEqual([`close ${room.id} (row there)`, `release ${room.id} (row gone)`])
    expect(storage.getRoom(room.id)).toBeNull()
    expect(await lifecycle.deleteRoom(room.id)).toBe(false)
  })

  it('a failing part is logged and the others still run', async () => {
    const { storage, lifecycle, errors } = setup()
    const { room } = await lifecycle.create(undefined)
    const released: string[] = []
    lifecycle.register({
      name: 'broken',
      closeConnections: () => {
        throw new Error('socket gone wrong')
      },
      release: () => Promise.reject(new Error('disk gone wrong')),
    })
    lifecycle.register({ name: 'interview', release: (id) => void released.push(id) })
    expect(await lifecycle.deleteRoom(room.id)).toBe(true)
    expect(storage.getRoom(room.id)).toBeNull()
    expect(released).toEqual([room.id])
    expect(errors.map((e) => [e.message, e.fields?.part])).toEqual([
      ['closing a deleted room’s connections failed', 'broken'],
      ['releasing a deleted room failed', 'broken'],
    ])
  })

  it('sweeps rooms idle past the retention period unless someone is connected, then lets parts tidy up', async () => {
    const { lifecycle } = setup(7)
    const now = Date.now()
    const old = (await lifecycle.create('Old', { now: now - 8 * DAY_MS })).room
    const live = (await lifecycle.create('Live', { now: now - 30 * DAY_MS })).room
    const recent = (await lifecycle.create('Recent', { now: now - 6 * DAY_MS })).room
    const tidied: string[][] = []
    lifecycle.register({ name: 'presence', isLive: (id) => id === live.id })
    lifecycle.register({
      name: 'files',
      sweep: async (exists) => {
        const gone: string[] = []
        for (const id of [old.id, live.id, recent.id]) if (!(await exists(id))) gone.push(id)
        tidied.push(gone)
      },
    })
    expect(await lifecycle.sweep(now)).toEqual([old.id])
    expect(tidied).toEqual([[old.id]])
    expect(lifecycle.isLive(live.id)).toBe(true)
  })

  it('sweeps under the cluster-wide lock: deletes nothing in a round another relay is sweeping', async () => {
    const rounds: string[] = []
    let othersSweeping = true
    const { lifecycle, rooms } = setup(7, async (name, work) => {
      rounds.push(name)
      return othersSweeping ? { ran: false } : { ran: true, result: await work() }
    })
    const tidied: string[] = []
    lifecycle.register({ name: 'files', sweep: async () => void tidied.push('swept') })
    const old = (await lifecycle.create('Old', { now: Date.now() - 8 * DAY_MS })).room
    expect(await lifecycle.sweep()).toEqual([])
    expect(await rooms.get(old.id)).not.toBeNull()
    expect(tidied).toEqual([])
    othersSweeping = false
    expect(await lifecycle.sweep()).toEqual([old.id])
    expect(tidied).toEqual(['swept'])
    expect(rounds).toEqual(['retention', 'retention'])
  })

  it('keeps every room when the retention period is 0', async () => {
    const { lifecycle, rooms } = setup(0)
    const ancient = (await lifecycle.create('Ancient', { now: 0 })).room
    expect(await lifecycle.sweep()).toEqual([])
    expect(await rooms.get(ancient.id)).not.toBeNull()
  })
})
