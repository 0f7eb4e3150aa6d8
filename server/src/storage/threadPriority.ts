import { readFileSync, readlinkSync } from 'node:fs'
import { getPriority, setPriority } from 'node:os'

/**
 * The nice value of the storage workers' threads. Under CPU contention a thread at nice 10 gets
 * about a tenth of the share of one at 0, and a thread at 0 that wakes preempts it sooner: the
 * relay's event loop (and anything else on the machine at 0) runs first, while the worker still
 * progresses when the machine is saturated.
 */
export const BACKGROUND_NICE = 10

/** The calling thread's kernel thread id (Linux), or null elsewhere. */
export function currentThreadId(): number | null {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop())
    return Number.isSafeInteger(tid) && tid > 0 ? tid : null
  } catch {
    return null
  }
}

/**
 * Lower the calling thread's CPU priority to `nice`, for a background worker whose work can wait
 * a few milliseconds. On Linux the nice value belongs to each thread and `setpriority` on a
 * thread id sets that thread's alone; lowering it needs no privilege. A thread already at `nice`
 * or lower (a process started under `nice -n 15`) stays where it is: it never goes above the
 * thread that started it. Returns whether the thread now runs at `nice` or lower: elsewhere (no
 * `/proc/thread-self`) or when refused it does nothing, and the worker runs as before.
 *
 * Call it from a thread that then does no asynchronous I/O: libuv's thread pool takes the nice
 * value of the thread that first queues work to it, and the event loop uses that pool too.
 */
export function lowerThreadPriority(nice: number): boolean {
  const tid = currentThreadId()
  if (tid === null || !Number.isInteger(nice)) return false
  try {
    if (getPriority(tid) < nice) setPriority(tid, nice)
    return true
  } catch {
    return false
  }
}

/** The nice value of thread `tid` of this process (Linux), or null when it cannot be read. */
export function threadNice(tid: number): number | null {
  try {
    // Fields after the command name (which may hold spaces and parentheses): nice is the 17th.
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
    const nice = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])
    return Number.isInteger(nice) ? nice : null
  } catch {
    return null
  }
}
