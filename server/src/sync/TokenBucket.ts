/**
 * A token bucket: `burst` requests at once, then one every `refillMs`. Used for requests whose
 * answers cost the server far more than asking does (a full sync step 2, every awareness state).
 */
export class TokenBucket {
  private tokens: number
  private last: number
  private burst: number
  private refillMs: number
  private now: () => number

  constructor(burst: number, refillMs: number, now: () => number = Date.now) {
    this.burst = burst
    this.refillMs = refillMs
    this.now = now
    this.tokens = burst
    this.last = now()
  }

  /** Take `cost` tokens (one by default); false when the bucket holds fewer. */
  take(cost = 1): boolean {
    const t = this.now()
    this.tokens = Math.min(this.burst, this.tokens + (t - this.last) / this.refillMs)
    this.last = t
    if (this.tokens < cost) return false
    this.tokens -= cost
    return true
  }
}
