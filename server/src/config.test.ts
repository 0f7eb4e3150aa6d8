import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { resolve } from 'node:path'
import { DEFAULT_MAX_FRAME_BYTES } from '@loopboard/protocol'
import { describe, expect, it } from 'vitest'
import { RELAY_NODE_FLAGS } from '../../scripts/relayNodeFlags.mjs'
import { loadConfig, testConfig } from './config.ts'

describe('loadConfig', () => {
  it('has documented defaults', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      publicUrl: undefined,
      maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
      snapshotEveryUpdates: 500,
      roomIdleUnloadMs: 30_000,
      logLevel: 'info',
      logFormat: 'pretty',
      nodeId: `${hostname()}-${process.pid}`,
      metricsToken: undefined,
    })
    expect(config.dataDir).toBe(resolve('./data'))
  })

  it('reads and coerces the environment, treating empty values as unset', () => {
    const config = loadConfig({
      PORT: '0',
      HOST: '0.0.0.0',
      PUBLIC_URL: 'https://board.example.com//',
      DATA_DIR: '/tmp/lb',
      MAX_FRAME_BYTES: '4096',
      SNAPSHOT_EVERY_UPDATES: '3',
      ROOM_IDLE_UNLOAD_MS: '0',
      LOG_LEVEL: 'silent',
      STATIC_DIR: '',
    })
    expect(config).toMatchObject({
      port: 0,
      host: '0.0.0.0',
      publicUrl: 'https://board.example.com',
      dataDir: '/tmp/lb',
      maxFrameBytes: 4096,
      snapshotEveryUpdates: 3,
      roomIdleUnloadMs: 0,
      logLevel: 'silent',
    })
  })

  it('reads the operations settings and refuses bad ones', () => {
    expect(loadConfig({ LOG_FORMAT: 'json', NODE_ID: 'relay-1.eu', METRICS_TOKEN: 'x'.repeat(16) })).toMatchObject({
      logFormat: 'json',
      nodeId: 'relay-1.eu',
      metricsToken: 'x'.repeat(16),
    })
    for (const env of [
      { LOG_FORMAT: 'xml' },
      { NODE_ID: 'has space' },
      { NODE_ID: 'x'.repeat(65) },
      { METRICS_TOKEN: 'short' },
      { REDIS_URL: 'localhost:6379' },
      { REDIS_URL: 'http://127.0.0.1:6379' },
      { DATABASE_URL: 'mysql://db/loopboard' },
      { DATABASE_URL: 'not a url' },
    ]) {
      expect(() => loadConfig(env), JSON.stringify(env)).toThrow(/Invalid configuration/)
    }
  })

  it('refuses REDIS_URL without DATABASE_URL: relays cannot share SQLite', () => {
    expect(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(/REDIS_URL needs DATABASE_URL/)
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', DATABASE_URL: 'postgres://localhost/lb' })).toMatchObject({
      redisUrl: 'redis://127.0.0.1:6379',
      databaseUrl: 'postgres://localhost/lb',
    })
  })

  it('reads REDIS_URL (none by default: one process)', () => {
    expect(loadConfig({}).redisUrl).toBeNull()
    const DATABASE_URL = 'postgres://localhost/loopboard'
    expect(loadConfig({ REDIS_URL: 'redis://10.0.0.5:6379/2', DATABASE_URL }).redisUrl).toBe('redis://10.0.0.5:6379/2')
    expect(loadConfig({ REDIS_URL: 'rediss://user:pw@cache.example.com:6380', DATABASE_URL }).redisUrl).toBe(
      'rediss://user:pw@cache.example.com:6380'
    )
  })

  it('reads DATABASE_URL (none by default: the embedded SQLite)', () => {
    expect(loadConfig({}).databaseUrl).toBeNull()
    for (const url of ['postgres://loopboard:pw@db:5432/loopboard', 'postgresql://db/loopboard?sslmode=require']) {
      expect(loadConfig({ DATABASE_URL: url }).databaseUrl).toBe(url)
    }
  })

  it('fails listing every invalid variable', () => {
    expect(() => loadConfig({ PORT: '70000', MAX_FRAME_BYTES: 'lots', LOG_LEVEL: 'loud' })).toThrow(
      /PORT[\s\S]*MAX_FRAME_BYTES[\s\S]*LOG_LEVEL|LOG_LEVEL[\s\S]*PORT/
    )
    for (const env of [
      { PORT: '-1' },
      { MAX_FRAME_BYTES: '100' },
      { SNAPSHOT_EVERY_UPDATES: '0' },
      { PUBLIC_URL: 'not a url' },
    ]) {
      expect(() => loadConfig(env), JSON.stringify(env)).toThrow(/Invalid configuration/)
    }
  })

  it('testConfig is silent and overridable', () => {
    expect(testConfig({ port: 1234 })).toMatchObject({ port: 1234, logLevel: 'silent' })
  })
})

describe('the server process', () => {
  it('exits 1 with the problem on stderr when the environment is invalid', () => {
    const root = resolve(import.meta.dirname, '../..')
    const result = spawnSync(process.execPath, [resolve(root, 'server/src/main.ts')], {
      cwd: root,
      env: { ...process.env, PORT: '0', MAX_FRAME_BYTES: 'lots' },
      encoding: 'utf8',
      timeout: 15_000,
    })
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/Invalid configuration[\s\S]*MAX_FRAME_BYTES/)
    expect(result.stdout).not.toMatch(/ready at/)
  })
})

describe('npm start', () => {
  it('runs the server with the node flags the bench, the cluster and the tests use', () => {
    const root = resolve(import.meta.dirname, '../..')
    const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    expect(pkg.scripts.start).toContain(`node ${RELAY_NODE_FLAGS.join(' ')} server/src/main.ts`)
  })

  it('gives the server a young generation of at most 2 x 16 MiB', () => {
    // What V8 makes of the flags, read back in a process started with them after keeping ~50 MB
    // of short-lived arrays alive: without the cap, V8 grows the young generation to 128 MiB here.
    const result = spawnSync(
      process.execPath,
      [
        ...RELAY_NODE_FLAGS,
        '-e',
        `const v8 = require('node:v8'); const s = []; for (let i = 0; i < 2000; i++) { s.push(new Array(20000).fill(i)); if (s.length > 300) s.shift() }
         console.log(v8.getHeapSpaceStatistics().find((x) => x.space_name === 'new_space').space_size)`,
      ],
      { encoding: 'utf8', timeout: 15_000 }
    )
    expect(result.status).toBe(0)
    expect(Number(result.stdout.trim())).toBeGreaterThan(0)
    expect(Number(result.stdout.trim())).toBeLessThanOrEqual(2 * 16 * 2 ** 20 + 2 ** 20)
  })
})
