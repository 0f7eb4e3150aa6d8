import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createLogger } from './logger.ts'
import { withTimeout } from './test/helpers.ts'

function capture(format: 'pretty' | 'json', nodeId?: string) {
  const lines: Array<{ line: string; level: string }> = []
  const logger = createLogger('info', { format, nodeId, write: (line, level) => lines.push({ line, level }) })
  return { logger, lines }
}

describe('createLogger', () => {
  it('pretty: level, message and key=value fields on one line', () => {
    const { logger, lines } = capture('pretty', 'n1')
    logger.info('room loaded', { roomId: 'r1', updates: 3 })
    logger.debug('not shown')
    logger.error('commit failed', { error: new Error('disk full') })
    expect(lines).toEqual([
      { line: 'info  room loaded roomId="r1" updates=3', level: 'info' },
      { line: 'error commit failed error="disk full"', level: 'error' },
    ])
  })

  it('json: one object per line with time, level, msg, node and the fields', () => {
    const { logger, lines } = capture('json', 'relay-2')
    const error = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
    logger.warn('bus down', { error, attempt: 2, msg: 'a field may not replace the message' })
    expect(lines).toHaveLength(1)
    expect(lines[0]!.level).toBe('warn')
    const record = JSON.parse(lines[0]!.line) as Record<string, unknown>
    expect(record).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      level: 'warn',
      msg: 'bus down',
      node: 'relay-2',
      error: { message: 'connect ECONNREFUSED', code: 'ECONNREFUSED' },
      attempt: 2,
    })
    expect(lines[0]!.line).not.toContain('\n')
  })
})

describe('the server process with LOG_FORMAT=json', () => {
  it('prints its ready line as JSON carrying NODE_ID', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'loopboard-log-'))
    const child = spawn(process.execPath, [resolve(import.meta.dirname, 'main.ts')], {
      env: { ...process.env, PORT: '0', DATA_DIR: dataDir, LOG_FORMAT: 'json', NODE_ID: 'relay-7', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    try {
      let output = ''
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
      const first = await withTimeout(
        new Promise<string>((done, fail) => {
          let out = ''
          child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
            out += chunk
            if (out.includes('\n')) done(out.split('\n')[0]!)
          })
          child.once('exit', (code) => fail(new Error(`exited ${code}: ${output}`)))
        }),
        'the ready line',
        15_000
      )
      const record = JSON.parse(first) as Record<string, unknown>
      expect(record).toMatchObject({ level: 'info', node: 'relay-7', dataDir })
      expect(record.msg).toMatch(/^Loopboard ready at http:\/\/localhost:\d+$/)
    } finally {
      child.kill('SIGKILL')
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
