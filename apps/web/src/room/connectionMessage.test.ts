import { describe, expect, it } from 'vitest'
import { connectionBanner, describeConnectError } from './connectionMessage.ts'

describe('describeConnectError', () => {
  it.each(['xhr poll error', 'websocket error', 'timeout', 'server error'])(
    'says nothing about transport failure "%s" (the offline banner covers it)',
    (message) => {
      expect(describeConnectError({ message })).toBeNull()
    }
  )

  it('explains a refused token and a deleted room in words', () => {
    expect(
      describeConnectError({ message: 'This token does not open this room.', data: { code: 'forbidden' } })
    ).toMatch(/fresh link/)
    expect(describeConnectError({ message: 'No room "x".', data: { code: 'not_found' } })).toBe(
      'This room no longer exists.'
    )
  })

  it('passes other server refusals through, never an empty message', () => {
    expect(
      describeConnectError({ message: 'protocol 1 is not supported; reload the page', data: { code: 'bad_request' } })
    ).toBe('protocol 1 is not supported; reload the page')
    expect(describeConnectError({ message: '', data: { code: 'internal' } })).toBe('The server refused the connection.')
  })
})

describe('connectionBanner', () => {
  it('speaks only when the link is down', () => {
    expect(connectionBanner('connected')).toBeNull()
    expect(connectionBanner('connecting')).toBeNull()
    expect(connectionBanner('offline')?.title).toBe('You are offline.')
    expect(connectionBanner('reconnecting')?.title).toMatch(/Reconnecting/)
    for (const state of ['offline', 'reconnecting'] as const)
      expect(connectionBanner(state)?.detail).not.toMatch(/xhr|poll|socket/i)
  })

  it('says plainly when edits are not being saved, unless the browser is offline (that banner explains it)', () => {
    for (const state of ['connecting', 'reconnecting', 'connected'] as const) {
      expect(connectionBanner(state, true)?.title).toBe('Your edits are not being saved.')
      expect(connectionBanner(state, true)?.detail).toMatch(/kept in this browser/)
    }
    expect(connectionBanner('offline', true)?.title).toBe('You are offline.')
  })
})
