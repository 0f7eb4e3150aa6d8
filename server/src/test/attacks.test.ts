import type { CreateRoomResponse } from '@loopboard/protocol'
import { describe, expect, it } from 'vitest'
import type * as Y from 'yjs'
import { bigAwarenessNonReaders, crowd, healthLatency, peakGrowth, pendingFlood, type Target } from './attackers.ts'
import { docUntil, useTestContext } from './helpers.ts'
import { spawnServer } from './serverProcess.ts'

const ctx = useTestContext()

/** The bound: an attack may grow the relay's memory by less than this. */
const MAX_GROWTH_BYTES = 200 * 1024 * 1024

const attacks: Array<[string, (target: Target) => Promise<void>]> = [
  ['non-reading sockets with large awareness states and tiny requests', (t) => bigAwarenessNonReaders(t)],
  ['a flood of updates whose dependencies never come', (t) => pendingFlood(t)],
  ['300 sockets in one room on /yjs and socket.io', (t) => crowd(t)],
]

describe('attacks on a real relay process', () => {
  it.each(attacks)('%s: memory grows < 200 MB, /healthz answers, another room keeps editing', async (_name, attack) => {
    const proc = await spawnServer(ctx, ctx.tempDir())
    const post = async () =>
      (await (await fetch(`${proc.httpBase}/api/rooms`, { method: 'POST', body: '{}' })).json()) as CreateRoomResponse
    const victim = await post()
    const bystander = await post()
    const a = await ctx.syncedProvider(proc.wsBase, bystander.roomId, bystander.tokens.interviewer)
    const b = await ctx.syncedProvider(proc.wsBase, bystander.roomId, bystander.tokens.candidate)
    const target = {
      httpBase: proc.httpBase,
      wsBase: proc.wsBase,
      roomId: victim.roomId,
      token: victim.tokens.candidate,
    }

    let edits = 0
    let healthy = 0
    const growth = await peakGrowth(proc.child.pid!, async () => {
      let running = true
      const probing = (async () => {
        while (running) {
          await healthLatency(proc.httpBase, 5_000)
          healthy++
          a.doc.getMap('records').set(`e${edits}`, edits)
          await docUntil(b.doc, (d: Y.Doc) => d.getMap('records').has(`e${edits}`), 'the other room’s edit', 10_000)
          edits++
        }
      })()
      await attack(target)
      running = false
      await probing
    })
    expect(growth).toBeLessThan(MAX_GROWTH_BYTES)
    expect(healthy).toBeGreaterThan(0)
    expect(edits).toBeGreaterThan(0)
    expect(await healthLatency(proc.httpBase)).toBeLessThan(2_000)
    expect(proc.child.exitCode).toBeNull()
  })
})
