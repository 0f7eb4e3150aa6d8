// `npm run livekit`: a local LiveKit server in dev mode (key `devkey`, secret `secret`) bound to
// 127.0.0.1, for audio through an SFU on this machine. Also used by the end-to-end tests.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const root = resolve(import.meta.dirname, '..')

/** Where the LiveKit server binary is: $LIVEKIT_SERVER_BIN, .tools/bin (CI builds it there), or PATH. */
export function livekitBinary() {
  const candidates = [process.env.LIVEKIT_SERVER_BIN, resolve(root, '.tools/bin/livekit-server')].filter(Boolean)
  for (const path of candidates) if (existsSync(path)) return path
  const which = spawnSync('sh', ['-c', 'command -v livekit-server'], { encoding: 'utf8' })
  return which.status === 0 ? which.stdout.trim() : null
}

/** Dev-mode config on loopback: one UDP port, loopback ICE candidates (a machine may have nothing else). */
export function livekitConfig({ port = 7880, tcpPort = 7881, udpPort = 7882, logLevel = 'info' } = {}) {
  return [
    `port: ${port}`,
    'rtc:',
    `  tcp_port: ${tcpPort}`,
    `  udp_port: ${udpPort}`,
    '  use_external_ip: false',
    '  enable_loopback_candidate: true',
    '  interfaces:',
    '    includes: [lo]',
    'logging:',
    `  level: ${logLevel}`,
  ].join('\n')
}

/** Start LiveKit; resolves once its HTTP port answers. */
export function startLiveKit(options = {}) {
  const binary = livekitBinary()
  if (!binary)
    throw new Error(
      'livekit-server not found: build it with `bash scripts/install-livekit.sh` or set LIVEKIT_SERVER_BIN.'
    )
  const port = options.port ?? 7880
  const child = spawn(
    binary,
    ['--dev', '--bind', '127.0.0.1', '--node-ip', '127.0.0.1', '--config-body', livekitConfig(options)],
    {
      stdio: options.stdio ?? ['ignore', 'pipe', 'pipe'],
    }
  )
  const ready = (async () => {
    const deadline = Date.now() + 20_000
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`livekit-server exited with ${child.exitCode}`)
      const ok = await fetch(`http://127.0.0.1:${port}/`).then(
        (r) => r.ok,
        () => false
      )
      if (ok) return
      await new Promise((r) => setTimeout(r, 150))
    }
    throw new Error('livekit-server did not start within 20 s')
  })()
  return { child, url: `ws://127.0.0.1:${port}`, apiKey: 'devkey', apiSecret: 'secret', ready }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const lk = startLiveKit({ stdio: 'inherit' })
    await lk.ready
    console.log(
      `\nLiveKit (dev) is up. Start Loopboard with:\n  LIVEKIT_URL=${lk.url} LIVEKIT_API_KEY=devkey LIVEKIT_API_SECRET=secret npm start\n`
    )
    const stop = () => lk.child.kill('SIGTERM')
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
    lk.child.on('exit', (code) => process.exit(code ?? 0))
  } catch (error) {
    console.error(error.message)
    process.exit(1)
  }
}
