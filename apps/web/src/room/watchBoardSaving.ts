import { CloseCode } from '@loopboard/protocol'
import type { WebsocketProvider } from 'y-websocket'

/**
 * The board link may be down this long before the room says edits are not being saved: a relay
 * restart or a re-dispatch to another relay (behind a load balancer) reconnects well within it,
 * and nobody should be alarmed by that.
 */
export const NOT_SAVING_AFTER_MS = 2_000

/**
 * Report whether the room's edits are reaching the server's storage. They are not when the board
 * link has been down (or not yet synced) for more than {@link NOT_SAVING_AFTER_MS}, and at once
 * when the relay closes it with `4503` (the room cannot be loaded or stored right now, e.g. its
 * database is unreachable). They are again as soon as the provider is synced: y-websocket then
 * sends everything the server lacks. While the browser is offline, the offline banner says all
 * there is to say, so this reports `false`. Returns the unsubscribe.
 */
export function watchBoardSaving(provider: WebsocketProvider, onChange: (notSaving: boolean) => void): () => void {
  let notSaving = false
  let timer: ReturnType<typeof setTimeout> | null = null
  const live = () => provider.wsconnected && provider.synced
  const report = (value: boolean) => {
    if (value === notSaving) return
    notSaving = value
    onChange(value)
  }
  const clearTimer = () => {
    if (timer) clearTimeout(timer)
    timer = null
  }
  const update = () => {
    if (live() || !navigator.onLine) {
      clearTimer()
      report(false)
      return
    }
    if (notSaving || timer) return
    timer = setTimeout(() => {
      timer = null
      if (!live() && navigator.onLine) report(true)
    }, NOT_SAVING_AFTER_MS)
  }
  const onClose = (event: CloseEvent | null) => {
    if (event?.code === CloseCode.RoomUnavailable && navigator.onLine) {
      clearTimer()
      report(true)
      return
    }
    update()
  }
  provider.on('status', update)
  provider.on('sync', update)
  provider.on('connection-close', onClose)
  provider.on('connection-error', update)
  window.addEventListener('online', update)
  window.addEventListener('offline', update)
  update()
  return () => {
    clearTimer()
    provider.off('status', update)
    provider.off('sync', update)
    provider.off('connection-close', onClose)
    provider.off('connection-error', update)
    window.removeEventListener('online', update)
    window.removeEventListener('offline', update)
  }
}
