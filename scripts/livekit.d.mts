import type { ChildProcess, StdioOptions } from 'node:child_process'

export function livekitBinary(): string | null
export function livekitConfig(options?: {
  port?: number
  tcpPort?: number
  udpPort?: number
  logLevel?: string
}): string
export function startLiveKit(options?: {
  port?: number
  tcpPort?: number
  udpPort?: number
  logLevel?: string
  stdio?: StdioOptions
}): {
  child: ChildProcess
  url: string
  apiKey: string
  apiSecret: string
  ready: Promise<void>
}
