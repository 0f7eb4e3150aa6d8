import { existsSync, readdirSync } from 'node:fs'
import { Worker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import { currentThreadId, lowerThreadPriority, threadNice } from './threadPriority.ts'

/** Nice values of this process's threads, by thread id. */
function threadNices(): Map<number, number | null> {
  return new Map(readdirSync('/proc/self/task').map((t) => [Number(t), threadNice(Number(t))]))
}

/**
 * In a worker thread started at nice `startAt` (when given), call `lowerThreadPriority(7)`; the
 * worker stays alive until `done` is called, so its thread can be inspected.
 */
async function lowerInWorker(startAt?: number) {
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads')
     const { setPriority } = require('node:os')
     parentPort.once('message', async ({ url, startAt }) => {
       const { lowerThreadPriority, currentThreadId } = await import(url)
       if (startAt !== undefined) setPriority(currentThreadId(), startAt)
       const applied = lowerThreadPriority(7)
       parentPort.postMessage({ applied, tid: currentThreadId() })
       parentPort.once('message', () => process.exit(0))
     })`,
    { eval: true }
  )
  worker.postMessage({ url: new URL('./threadPriority.ts', import.meta.url).href, startAt })
  const reply = await new Promise<{ applied: boolean; tid: number }>((resolve) => worker.once('message', resolve))
  const done = async () => {
    worker.postMessage('exit')
    await new Promise((resolve) => worker.once('exit', resolve))
  }
  return { ...reply, done }
}

// Per-thread nice values are Linux's (elsewhere lowerThreadPriority does nothing and says so).
describe.skipIf(!existsSync('/proc/thread-self'))('lowerThreadPriority', () => {
  it('lowers the calling worker thread alone, not the process', async () => {
    expect(currentThreadId()).toBe(process.pid)
    const mainBefore = threadNice(process.pid)
    const worker = await lowerInWorker()
    expect(worker.applied).toBe(true)
    expect(worker.tid).not.toBe(process.pid)
    expect(threadNice(worker.tid)).toBe(7)
    expect(threadNice(process.pid)).toBe(mainBefore)
    // Every other thread of the process is where it was.
    for (const [tid, nice] of threadNices()) if (tid !== worker.tid) expect(nice).not.toBe(7)
    await worker.done()
  })

  it('leaves a thread that already runs lower where it is', async () => {
    const worker = await lowerInWorker(15)
    expect(worker.applied).toBe(true)
    expect(threadNice(worker.tid)).toBe(15)
    await worker.done()
  })

  it('reports that it did nothing when the value is refused, leaving the thread as it was', () => {
    const before = threadNice(process.pid)
    expect(lowerThreadPriority(Number.NaN)).toBe(false)
    expect(threadNice(process.pid)).toBe(before)
  })
})
