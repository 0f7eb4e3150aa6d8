import { Action, may, ROLES, TAB_SECRET_HEADER, type Role } from '@loopboard/protocol'
import { describe, expect, it } from 'vitest'
import { createRoom, httpBase, useTestContext } from '../test/helpers.ts'

const ctx = useTestContext()

/** HTTP routes and the action each is guarded by. */
const ROUTES: Array<{ action: Action; method: string; path: (roomId: string) => string; body?: unknown }> = [
  { action: Action.JoinRoom, method: 'GET', path: (id) => `/api/rooms/${id}/session` },
  { action: Action.TakeNotes, method: 'GET', path: (id) => `/api/rooms/${id}/notes` },
  { action: Action.ReadGuidance, method: 'GET', path: () => `/api/prompts/design-spotify` },
  { action: Action.JoinAudio, method: 'POST', path: (id) => `/api/rooms/${id}/audio-token`, body: { name: 'Ann' } },
]

describe('requireSeat: one authentication and role check for every HTTP route', () => {
  it('answers each seat as the permission table says', async () => {
    const server = await ctx.server()
    const room = await createRoom(server)
    for (const { action, method, path, body } of ROUTES) {
      for (const seat of ROLES as readonly Role[]) {
        const res = await fetch(`${httpBase(server)}${path(room.roomId)}`, {
          method,
          headers: {
            authorization: `Bearer ${room.tokens[seat]}`,
            [TAB_SECRET_HEADER]: 'a-tab-secret-for-the-table-test',
            'content-type': 'application/json',
          },
          ...(body ? { body: JSON.stringify(body) } : {}),
        })
        expect(res.status, `${seat} ${method} ${path(room.roomId)}`).toBe(may(seat, action) ? 200 : 403)
      }
    }
  })
})
