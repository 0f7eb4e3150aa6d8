import { CloudOff, RefreshCw } from 'lucide-react'
import { ICON_PX } from '../lib/IconButton.tsx'
import { connectionBanner } from './connectionMessage.ts'
import type { ConnectionState } from './roomStore.ts'

/** A clear line under the bar while the link to the server is down, and what it means for your work. */
export function ConnectionBanner({ state }: { state: ConnectionState }) {
  const banner = connectionBanner(state)
  if (!banner) return null
  const Icon = state === 'offline' ? CloudOff : RefreshCw
  return (
    <div className={`banner banner-${state}`} role="status" data-testid="connection-banner" data-state={state}>
      <Icon size={ICON_PX} aria-hidden="true" />
      <strong>{banner.title}</strong> {banner.detail}
    </div>
  )
}
