// Build the client if it is missing or older than its sources, so `npm start` and the
// end-to-end tests always serve what is in the tree without rebuilding needlessly.
import './check-node.mjs'
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const output = join(root, 'apps/web/dist/index.html')
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
    if (entry === 'node_modules' || entry === 'dist') continue
    newest = Math.max(newest, newestMtime(join(path, entry)))
  }
  return newest
}

const built = existsSync(output) ? statSync(output).mtimeMs : 0
const changed = Math.max(...sources.map((s) => newestMtime(join(root, s))))
if (built > changed) process.exit(0)

console.log(built ? 'Client sources changed; rebuilding…' : 'Building the client (first run)…')
const result = spawnSync(
  process.execPath,
  [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
  {
    cwd: root,
    stdio: 'inherit',
  }
)
process.exit(result.status ?? 1)
