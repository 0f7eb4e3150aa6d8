import { describe, expect, it } from 'vitest'
import { AddressLimiter, addressKey, clientAddress } from './AddressLimiter.ts'

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

  it('counts an IPv6 client by its /64, and an IPv6-mapped IPv4 client by its IPv4 address', () => {
    expect(clientAddress({}, '2001:db8:1:2:aaaa::1', false)).toBe('2001:db8:1:2::/64')
    expect(clientAddress({ 'x-forwarded-for': '2001:db8:1:2:ffff:ffff:ffff:ffff' }, '10.0.0.1', true)).toBe(
      '2001:db8:1:2::/64'
    )
    expect(clientAddress({}, '::ffff:203.0.113.7', false)).toBe('203.0.113.7')
  })
})

describe('addressKey', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['::FFFF:10.1.2.3', '10.1.2.3'],
    ['2001:0db8:0001:0002:0000:0000:0000:0001', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['::', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::192.0.2.33', '64:ff9b:0:0::/64'],
    ['2001:db8:a:b:c:d:1.2.3.4', '2001:db8:a:b::/64'],
    ['unknown', 'unknown'],
    ['not:an:address', 'not:an:address'],
  ])('%s → %s', (address, key) => {
    expect(addressKey(address)).toBe(key)
  })

  it('gives every address of one /64 the same key, and neighbouring /64s different ones', () => {
    const keys = new Set(['2001:db8:5:6::1', '2001:db8:5:6:1:2:3:4', '2001:db8:5:6:ffff::'].map(addressKey))
    expect([...keys]).toEqual(['2001:db8:5:6::/64'])
    expect(addressKey('2001:db8:5:7::1')).not.toBe(addressKey('2001:db8:5:6::1'))
  })
})
