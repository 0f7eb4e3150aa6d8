/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** tldraw production license key; needed when served over HTTPS from a non-localhost origin. */
  readonly VITE_TLDRAW_LICENSE_KEY?: string
}
