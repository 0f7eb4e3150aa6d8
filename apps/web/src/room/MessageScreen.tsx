import type { ReactNode } from 'react'

/** A full-page message: loading, a bad link, an unknown room. */
export function MessageScreen({
  title,
  children,
  busy = false,
}: {
  title: string
  children?: ReactNode
  busy?: boolean
}) {
  return (
    <main className="screen">
      <div className="card" role={busy ? 'status' : 'alert'} aria-busy={busy}>
        {busy ? <div className="spinner" aria-hidden="true" /> : null}
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  )
}
