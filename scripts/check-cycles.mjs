// No import cycles, type-only imports included (eslint's import-x/no-cycle skips those): every
// relative import and every `@loopboard/*` workspace import of the TypeScript sources, as one
// graph; each strongly connected component of more than one file is a cycle to break.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'

const root = resolve(import.meta.dirname, '..')
const ROOTS = ['apps/web/src', 'packages', 'server/src', 'bench', 'e2e']
const SKIP = new Set(['node_modules', 'dist', 'dist-e2e', 'results'])

function* sources(dir) {
  for (const entry of readdirSync(dir)) {
    if (SKIP.has(entry)) continue
    const path = join(dir, entry)
    if (statSync(path).isDirectory()) yield* sources(path)
    else if (/\.(ts|tsx)$/.test(entry) && !entry.endsWith('.d.ts')) yield path
  }
}

/** `@loopboard/<name>[/<sub>]` → the workspace file its package.json exports. */
function workspaceTarget(specifier) {
  const [, name, sub] = /^@loopboard\/([^/]+)(?:\/(.+))?$/.exec(specifier) ?? []
  if (!name) return null
  for (const base of [join(root, 'packages', name), name === 'server' ? join(root, 'server') : null]) {
    if (!base || !existsSync(join(base, 'package.json'))) continue
    const { exports } = JSON.parse(readFileSync(join(base, 'package.json'), 'utf8'))
    const target = typeof exports === 'string' ? exports : exports?.[sub ? `./${sub}` : '.']
    return typeof target === 'string' ? resolve(base, target) : null
  }
  return null
}

const graph = new Map()
for (const dir of ROOTS) {
  if (!existsSync(join(root, dir))) continue
  for (const file of sources(join(root, dir))) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
    const targets = []
    for (const { fileName } of info.importedFiles) {
      const target = fileName.startsWith('.') ? resolve(dirname(file), fileName) : workspaceTarget(fileName)
      if (target && existsSync(target)) targets.push(target)
    }
    graph.set(file, targets)
  }
}

// Tarjan's strongly connected components.
let index = 0
const stack = []
const state = new Map()
const cycles = []
function visit(node) {
  const s = { index, low: index, onStack: true }
  index++
  state.set(node, s)
  stack.push(node)
  for (const next of graph.get(node) ?? []) {
    if (!graph.has(next)) continue
    const t = state.get(next)
    if (!t) {
      visit(next)
      s.low = Math.min(s.low, state.get(next).low)
    } else if (t.onStack) s.low = Math.min(s.low, t.index)
  }
  if (s.low !== s.index) return
  const component = []
  let member
  do {
    member = stack.pop()
    state.get(member).onStack = false
    component.push(member)
  } while (member !== node)
  if (component.length > 1) cycles.push(component)
}
for (const node of graph.keys()) if (!state.has(node)) visit(node)

if (cycles.length) {
  for (const cycle of cycles) {
    console.error(
      `import cycle: ${cycle
        .map((f) => relative(root, f))
        .sort()
        .join(' ⇄ ')}`
    )
  }
  process.exit(1)
}
console.log(`no import cycles (${graph.size} files, type imports included)`)
