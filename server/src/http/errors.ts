import { TAB_SECRET_HEADER, TabSecretSchema, type ApiError, type ApiErrorCode } from '@loopboard/protocol'
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

type Code = (typeof ApiErrorCode)[keyof typeof ApiErrorCode]

/** The one shape of every API error: `{ error: { code, message } }`. */
export function apiError(c: Context, status: ContentfulStatusCode, code: Code, message: string) {
  return c.json<ApiError>({ error: { code, message } }, status)
}

/** `Authorization: Bearer <token>`, or null. */
export function bearerToken(c: Context): string | null {
  const header = c.req.header('authorization')
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null
  return match?.[1] ?? null
}

/** The tab's secret (`X-Loopboard-Tab`), if the request carries a well-formed one. */
export function tabSecret(c: Context): string | null {
  const value = c.req.header(TAB_SECRET_HEADER)
  return TabSecretSchema.safeParse(value).success ? value! : null
}
