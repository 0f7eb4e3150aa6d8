import { createHash, timingSafeEqual } from 'node:crypto'
import { ApiErrorCode } from '@loopboard/protocol'
import { Hono } from 'hono'
import type { Logger } from '../logger.ts'
import type { Metrics } from '../metrics/Metrics.ts'
import { apiError, bearerToken } from './errors.ts'

/** One dependency `GET /readyz` checks: it throws (or rejects) when the dependency is not usable. */
export interface ReadinessCheck {
  name: string
  check(): void | Promise<void>
  /**
   * Whether the load balancer should stop routing to this relay while the check fails (default
   * true). False for what only degrades the service: without Redis a relay still serves every
   * room hashed to it, so taking every relay out of rotation would turn a fan-out outage into a
   * full one. `GET /readyz` checks everything; `GET /readyz?scope=routing` (the proxy's health
   * check) only what routing depends on.
   */
  routing?: boolean
}

export interface OpsOptions {
  metrics: Metrics
  /** When set, `/metrics` needs it as a bearer token. */
  metricsToken: string | undefined
  readiness: ReadinessCheck[]
  /** True once shutdown began: the node reports not ready so a load balancer stops sending to it. */
  draining: () => boolean
  logger: Logger
}

/** A check that has not answered in this long counts as failed (a hung database is not ready). */
const READINESS_TIMEOUT_MS = 2_000

const digest = (value: string) => createHash('sha256').update(value).digest()

async function run(check: ReadinessCheck): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${READINESS_TIMEOUT_MS} ms`)), READINESS_TIMEOUT_MS)
  })
  try {
    await Promise.race([Promise.resolve().then(() => check.check()), timeout])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Liveness, readiness and Prometheus metrics. `/healthz` says the process answers (restart it
 * if not); `/readyz` says it can serve (route to it only if so). Neither says anything about
 * rooms; failures are logged here and reported only by name, so an unauthenticated prober
 * learns nothing about the machine.
 */
export function opsRoutes({ metrics, metricsToken, readiness, draining, logger }: OpsOptions) {
  const app = new Hono()
  app.get('/healthz', (c) => c.json({ ok: true }))

  app.get('/readyz', async (c) => {
    c.header('Cache-Control', 'no-store')
    if (draining()) return c.json({ ok: false, checks: { server: 'shutting down' } }, 503)
    const scope = c.req.query('scope')
    if (scope !== undefined && scope !== 'routing') {
      return apiError(c, 400, ApiErrorCode.BadRequest, 'scope must be "routing" or absent.')
    }
    const checks = scope === 'routing' ? readiness.filter((check) => check.routing !== false) : readiness
    const results = await Promise.all(
      checks.map(async (check) => {
        try {
          await run(check)
          return [check.name, 'ok'] as const
        } catch (error) {
          logger.warn('readiness check failed', { check: check.name, error })
          return [check.name, 'unavailable'] as const
        }
      })
    )
    const ok = results.every(([, state]) => state === 'ok')
    return c.json({ ok, checks: Object.fromEntries(results) }, ok ? 200 : 503)
  })

  app.get('/metrics', async (c) => {
    if (metricsToken) {
      const given = bearerToken(c)
      if (!given || !timingSafeEqual(digest(given), digest(metricsToken))) {
        c.header('WWW-Authenticate', 'Bearer')
        return apiError(c, 401, ApiErrorCode.Unauthorized, 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>.')
      }
    }
    const { contentType, body } = await metrics.text()
    c.header('Cache-Control', 'no-store')
    return c.body(body, 200, { 'Content-Type': contentType })
  })
  return app
}
