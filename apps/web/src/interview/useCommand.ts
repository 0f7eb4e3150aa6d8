import type { CommandAck } from '@loopboard/protocol'
import { useCallback, useState } from 'react'

/** Run a command, track that it is in flight, keep its error for display. */
export function useCommand() {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const run = useCallback(async <T extends object>(command: (() => Promise<CommandAck<T>>) | undefined) => {
    if (!command) return null
    setBusy(true)
    setError(null)
    try {
      const ack = await command()
      if (!ack.ok) setError(ack.error)
      return ack.ok ? ack : null
    } finally {
      setBusy(false)
    }
  }, [])
  return { busy, error, run, clearError: () => setError(null) }
}
