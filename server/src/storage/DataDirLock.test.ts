import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { describe, expect, it } from 'vitest'
import { testConfig } from '../config.ts'
import { startServer } from '../createServer.ts'
import { useTestContext } from '../test/helpers.ts'
import { DataDirInUseError, lockDataDir } from './DataDirLock.ts'

const ctx = useTestContext()

describe('lockDataDir', () => {
  it('lets one holder at a time have a directory, and the next once it is released', () => {
    const dir = ctx.tempDir()
    const first = lockDataDir(dir)
    expect(() => lockDataDir(dir)).toThrow(DataDirInUseError)
    // Another directory is another lock.
    lockDataDir(ctx.tempDir()).release()
    first.release()
    first.release()
    lockDataDir(dir).release()
  })

  it('is held by a live process and freed by the operating system when it is killed -9', async () => {
    const dir = ctx.tempDir()
    const module = new URL('./DataDirLock.ts', import.meta.url).pathname
    const child = spawn(process.execPath, [
      '--input-type=module',
      '-e',
      `const { lockDataDir } = await import(${JSON.stringify(module)}); lockDataDir(${JSON.stringify(dir)}); console.log('held'); setInterval(() => {}, 1000)`,
    ])
    ctx.onCleanup(() => void child.kill('SIGKILL'))
    await once(child.stdout, 'data')
    expect(() => lockDataDir(dir)).toThrow(/in use by another Loopboard server/)
    child.kill('SIGKILL')
    await once(child, 'exit')
    lockDataDir(dir).release()
  })

  it('keeps a second server off a DATA_DIR in use, with a message naming it', async () => {
    const server = await ctx.server()
    const config = testConfig({ port: 0, host: '127.0.0.1', dataDir: server.dataDir, publicUrl: undefined })
    await expect(startServer(config)).rejects.toThrow(`DATA_DIR ${server.dataDir} is in use`)
    // Not listening (its port taken) gives the directory back at once.
    const other = { ...config, dataDir: ctx.tempDir() }
    await expect(startServer({ ...other, port: server.port })).rejects.toThrow(/EADDRINUSE/)
    await (await startServer(other)).close()
    await server.close()
    const again = await startServer(config)
    await again.close()
  })
})
