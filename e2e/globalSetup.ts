import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'

/** Build the end-to-end tests' client (apps/web/dist-e2e) when it is missing or stale. */
export default function globalSetup(): void {
  const result = spawnSync(process.execPath, [resolve(import.meta.dirname, '../scripts/ensure-build.mjs'), '--e2e'], {
    stdio: 'inherit',
  })
  if (result.status !== 0) throw new Error('building the client for the end-to-end tests failed')
}
