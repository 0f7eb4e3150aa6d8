import { CloudAlert, CloudOff, RefreshCw } from 'lucide-react'
import { ICON_PX } from '../lib/IconButton.tsx'
import { connectionBanner } from './connectionMessage.ts'
import type { ConnectionState } from './roomStore.ts'

/**
 * A clear line under the bar while the link to the server is down, and what it means for your
 * work; when edits are not being saved (`notSaving`), it says so in those words.
 */
export function ConnectionBanner({ state, notSaving = false }: { state: ConnectionState; notSaving?: boolean }) {
  const banner = connectionBanner(state, notSaving)
  if (!banner) return null
  const shown = notSaving && state !== 'offline' ? 'not-saving' : state
  const Icon = shown === 'offline' ? CloudOff : shown === 'not-saving' ? CloudAlert : RefreshCw
  return (
    <div
      className={`banner banner-${shown}`}
      // Not being saved is worth interrupting for; the other states are announced politely.
      role={shown === 'not-saving' ? 'alert' : 'status'}
      data-testid="connection-banner"
      data-state={shown}
    >
      <Icon size={ICON_PX} aria-hidden="true" />
      <strong>{banner.title}</strong> {banner.detail}
    </div>
  )
}
