// Build the client if it is missing or older than its sources, so `npm start` and the
// end-to-end tests always serve what is in the tree without rebuilding needlessly.
// `--e2e` builds the end-to-end tests' own copy into apps/web/dist-e2e, with the test hooks
// (window.loopboardAudio) that production builds leave out.
import './check-node.mjs'
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const e2e = process.argv.includes('--e2e')
const outDir = e2e ? 'dist-e2e' : 'dist'
const output = join(root, 'apps/web', outDir, 'index.html')
const sources = [
  'apps/web/src',
  'apps/web/sw',
  'apps/web/index.html',
  'packages',
  'vite.config.ts',
  'package-lock.json',
]

function newestMtime(path) {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = 0
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist' || entry === 'dist-e2e') continue
    newest = Math.max(newest, newestMtime(join(path, entry)))
  }
  return newest
}

const built = existsSync(output) ? statSync(output).mtimeMs : 0
const changed = Math.max(...sources.map((s) => newestMtime(join(root, s))))
if (built > changed) process.exit(0)

const what = e2e ? 'the client for the end-to-end tests' : 'the client'
console.log(built ? `Sources changed; rebuilding ${what}…` : `Building ${what} (first run)…`)
const result = spawnSync(
  process.execPath,
  [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn', '--outDir', outDir],
  {
    cwd: root,
    stdio: 'inherit',
    env: e2e ? { ...process.env, VITE_TEST_HOOKS: '1' } : process.env,
  }
)
process.exit(result.status ?? 1)
