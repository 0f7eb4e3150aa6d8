import type { ConnectionState } from './roomStore.ts'

const LABELS: Record<ConnectionState, { text: string; hint: string }> = {
  connected: { text: 'Connected', hint: 'Your changes reach everyone live.' },
  connecting: { text: 'Connecting…', hint: 'Opening the room.' },
  reconnecting: {
    text: 'Reconnecting…',
    hint: 'The link dropped. Keep drawing: your changes are kept and merge when it returns.',
  },
  offline: {
    text: 'Offline',
    hint: 'No network. Your changes are saved in this browser and merge when you are back online.',
  },
}

export function ConnectionBadge({ state }: { state: ConnectionState }) {
  const { text, hint } = LABELS[state]
  return (
    <span
      className={`badge connection connection-${state}`}
      role="status"
      aria-live="polite"
      title={hint}
      data-state={state}
    >
      <span className="dot" aria-hidden="true" />
      <span className="label">{text}</span>
    </span>
  )
}
