import { describe, expect, it } from 'vitest'
import { AddressLimiter, clientAddress } from './AddressLimiter.ts'

describe('AddressLimiter', () => {
  it('allows a burst, then one per interval, and says how long to wait', () => {
    let t = 0
    const limiter = new AddressLimiter({ burst: 2, refillMs: 1000, now: () => t })
    expect(limiter.take('a')).toBe(0)
    expect(limiter.take('a')).toBe(0)
    expect(limiter.take('a')).toBe(1000)
    expect(limiter.take('b')).toBe(0) // addresses are separate
    t = 400
    expect(limiter.check('a')).toBe(600)
    t = 1000
    expect(limiter.take('a')).toBe(0)
  })

  it('keeps at most maxKeys addresses and drops buckets that have refilled', () => {
    let t = 0
    const limiter = new AddressLimiter({ burst: 1, refillMs: 1000, maxKeys: 100, now: () => t })
    for (let i = 0; i < 10_000; i++) limiter.take(`10.0.${i >> 8}.${i & 255}`)
    expect(limiter.size).toBeLessThanOrEqual(100)
    t = 5_000
    limiter.take('fresh')
    expect(limiter.size).toBe(1)
  })
})

describe('clientAddress', () => {
  it('uses X-Forwarded-For only when the proxy is trusted', () => {
    const headers = { 'x-forwarded-for': '203.0.113.7, 10.0.0.1' }
    expect(clientAddress(headers, '10.0.0.1', true)).toBe('203.0.113.7')
    expect(clientAddress(headers, '10.0.0.1', false)).toBe('10.0.0.1')
    expect(clientAddress({}, '127.0.0.1', true)).toBe('127.0.0.1')
  })
})
