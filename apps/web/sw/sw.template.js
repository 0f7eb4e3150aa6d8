// Loopboard service worker: keeps the app shell and its assets so a room reopens offline.
// Built by vite.config.ts, which fills in the asset list and a version of this build.
// Network first for pages (always fresh when online), cache first for hashed assets.
const VERSION = '__CACHE_VERSION__'
// eslint-disable-next-line no-undef -- filled in at build time by vite.config.ts
const PRECACHE = __PRECACHE_MANIFEST__
const CACHE = `loopboard-shell-${VERSION}`
const SHELL = '/index.html'
const LIVE = /^\/(api|yjs|socket\.io|healthz)(\/|$)/

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll([SHELL, ...PRECACHE]))
      .then(() => self.skipWaiting())
  )
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(keys.filter((k) => k.startsWith('loopboard-') && k !== CACHE).map((k) => caches.delete(k)))
      )
      .then(() => self.clients.claim())
  )
})

self.addEventListener('fetch', (event) => {
  const request = event.request
  const url = new URL(request.url)
  if (request.method !== 'GET' || url.origin !== self.location.origin || LIVE.test(url.pathname)) return

  if (request.mode === 'navigate') {
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone()
            void caches.open(CACHE).then((cache) => cache.put(SHELL, copy))
          }
          return response
        })
        .catch(() => caches.match(SHELL).then((cached) => cached ?? Response.error()))
    )
    return
  }

  event.respondWith(caches.match(request).then((cached) => cached ?? fetch(request)))
})
