import type { IncomingHttpHeaders } from 'node:http'
import { isIPv6 } from 'node:net'

/** Distinct addresses remembered at most; beyond, the least recently seen are forgotten. */
export const DEFAULT_MAX_ADDRESSES = 10_000

interface Bucket {
  tokens: number
  last: number
}

export interface AddressLimiterOptions {
  /** Requests allowed at once. */
  burst: number
  /** One more allowed every this many ms. */
  refillMs: number
  maxKeys?: number
  now?: () => number
}

/**
 * A token bucket per client address: `burst` at once, then one per `refillMs`. Its memory is
 * bounded: a bucket that has refilled is dropped, and past `maxKeys` addresses the least
 * recently seen one is forgotten (at worst it starts again with a full bucket).
 */
export class AddressLimiter {
  private buckets = new Map<string, Bucket>()
  private readonly burst: number
  private readonly refillMs: number
  private readonly maxKeys: number
  private readonly now: () => number

  constructor({ burst, refillMs, maxKeys = DEFAULT_MAX_ADDRESSES, now = Date.now }: AddressLimiterOptions) {
    this.burst = burst
    this.refillMs = refillMs
    this.maxKeys = maxKeys
    this.now = now
  }

  get size(): number {
    return this.buckets.size
  }

  /** Take one token for `key`: 0 when allowed, else the ms until one is free again. */
  take(key: string): number {
    const bucket = this.refresh(key)
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1
      return 0
    }
    return this.wait(bucket)
  }

  /** Without taking one: 0 when `key` has a token left, else the ms until it has. */
  check(key: string): number {
    const bucket = this.buckets.get(key)
    if (!bucket) return 0
    const t = this.now()
    const tokens = Math.min(this.burst, bucket.tokens + (t - bucket.last) / this.refillMs)
    return tokens >= 1 ? 0 : Math.ceil((1 - tokens) * this.refillMs)
  }

  private refresh(key: string): Bucket {
    const t = this.now()
    let bucket = this.buckets.get(key)
    if (bucket) {
      bucket.tokens = Math.min(this.burst, bucket.tokens + (t - bucket.last) / this.refillMs)
      bucket.last = t
      this.buckets.delete(key) // re-inserted below: the map stays in least-recently-seen order
    } else {
      bucket = { tokens: this.burst, last: t }
    }
    this.evict(t)
    this.buckets.set(key, bucket)
    return bucket
  }

  private wait(bucket: Bucket): number {
    return Math.ceil((1 - bucket.tokens) * this.refillMs)
  }

  /** Drop refilled buckets from the least recently seen end, and any beyond `maxKeys - 1`. */
  private evict(t: number): void {
    for (const [key, bucket] of this.buckets) {
      const full = bucket.tokens + (t - bucket.last) / this.refillMs >= this.burst
      if (!full && this.buckets.size < this.maxKeys) break
      this.buckets.delete(key)
    }
  }
}

/**
 * The client's address as the per-address limits count it: the first `X-Forwarded-For` hop when
 * the server runs behind a proxy it trusts (`TRUST_PROXY`), else the socket's peer, through
 * {@link addressKey}. Without `TRUST_PROXY` the header is ignored: anyone can write it.
 */
export function clientAddress(
  headers: IncomingHttpHeaders,
  remoteAddress: string | undefined,
  trustProxy: boolean
): string {
  if (trustProxy) {
    const forwarded = headers['x-forwarded-for']
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim()
    if (first) return addressKey(first)
  }
  return addressKey(remoteAddress ?? 'unknown')
}

/**
 * Who an address belongs to, for limits: an IPv4 address as is (also when IPv6-mapped), an IPv6
 * address as its /64 — one host or home network is usually given a whole /64, so counting single
 * IPv6 addresses would let one client take 2^64 turns. Anything else is returned unchanged.
 */
export function addressKey(address: string): string {
  const plain = address.replace(/%.*$/, '') // an IPv6 zone (`fe80::1%eth0`)
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(plain)
  if (mapped) return mapped[1]!
  if (!isIPv6(plain)) return address
  const groups = ipv6Groups(plain)
  return `${groups.slice(0, 4).join(':')}::/64`
}

/** The eight 16-bit groups of a valid IPv6 address, in hex without leading zeros. */
function ipv6Groups(address: string): string[] {
  let text = address
  const v4 = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text)
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number]
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head, tail] = text.split('::') as [string, string | undefined]
  const left = head ? head.split(':') : []
  const right = tail === undefined ? [] : tail ? tail.split(':') : []
  const middle = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0')
  return [...left, ...middle, ...right].map((g) => parseInt(g, 16).toString(16))
}

/** Seconds for a `Retry-After` header (at least 1). */
export const retryAfterSeconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000))
