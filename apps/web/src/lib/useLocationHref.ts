import { useSyncExternalStore } from 'react'

function subscribe(onChange: () => void): () => void {
  // A link pasted into the same tab that differs only after the `#` (a corrected token) does not
  // reload the page: only `hashchange` says so.
  window.addEventListener('hashchange', onChange)
  window.addEventListener('popstate', onChange)
  return () => {
    window.removeEventListener('hashchange', onChange)
    window.removeEventListener('popstate', onChange)
  }
}

/** The page's address, re-rendering when its fragment or history entry changes. */
export function useLocationHref(): string {
  return useSyncExternalStore(subscribe, () => window.location.href)
}
