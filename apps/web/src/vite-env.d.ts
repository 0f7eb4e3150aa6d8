/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** tldraw production license key; needed when served over HTTPS from a non-localhost origin. */
  readonly VITE_TLDRAW_LICENSE_KEY?: string
  /** `1` in the end-to-end tests' build (scripts/ensure-build.mjs --e2e): test hooks on window. */
  readonly VITE_TEST_HOOKS?: string
}
