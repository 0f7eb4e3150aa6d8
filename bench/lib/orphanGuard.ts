/**
 * Loaded with `node --import` into every child process the bench starts (relays and baselines):
 * the child exits as soon as its parent is gone, even if the parent was killed with SIGKILL and
 * could not clean up. Polls, because Linux gives no parent-death signal to a Node process.
 */
const parentPid = process.ppid
setInterval(() => {
  if (process.ppid !== parentPid) process.exit(1)
}, 250).unref()

export {}
