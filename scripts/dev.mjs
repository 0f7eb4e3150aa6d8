// `npm run dev`: the relay with restart-on-change plus Vite with hot reload, which proxies
// /api, /yjs and /socket.io to the relay. Open the Vite URL.
import './check-node.mjs'
import { spawn } from 'node:child_process'
import { join, resolve } from 'node:path'
import { pipePrefixed } from './pipePrefixed.mjs'
import { RELAY_NODE_FLAGS } from './relayNodeFlags.mjs'

const root = resolve(import.meta.dirname, '..')
const port = process.env.PORT ?? '3000'
const children = [
  [
    'server',
    [process.execPath, ...RELAY_NODE_FLAGS, '--watch-path=server/src', '--watch-path=packages', 'server/src/main.ts'],
  ],
  ['vite', [process.execPath, join(root, 'node_modules/vite/bin/vite.js')]],
].map(([name, [cmd, ...args]]) => {
  const child = spawn(cmd, args, { cwd: root, env: { ...process.env, PORT: port }, stdio: ['ignore', 'pipe', 'pipe'] })
  pipePrefixed(child, name)
  child.on('exit', (code) => {
    console.error(`[${name}] exited with ${code}; stopping`)
    stop(code ?? 1)
  })
  return child
})

let stopping = false
function stop(code = 0) {
  if (stopping) return
  stopping = true
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM')
  setTimeout(() => process.exit(code), 500)
}
process.on('SIGINT', () => stop(0))
process.on('SIGTERM', () => stop(0))
