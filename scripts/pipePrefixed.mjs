/**
 * Copy a child process's output to ours, each line prefixed with `[name]`, so several children
 * (dev server and Vite, or a whole local cluster) can share one terminal.
 * @param {import('node:child_process').ChildProcess} child
 * @param {string} name
 */
export function pipePrefixed(child, name) {
  const prefix = (chunk) =>
    chunk
      .toString()
      .split('\n')
      .filter(Boolean)
      .map((line) => `[${name}] ${line}\n`)
      .join('')
  child.stdout?.on('data', (c) => process.stdout.write(prefix(c)))
  child.stderr?.on('data', (c) => process.stderr.write(prefix(c)))
}
