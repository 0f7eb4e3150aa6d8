import { useEffect, useState } from 'react'
import { useInterviewStore } from './interviewStore.ts'

/** Server time, re-rendered every `intervalMs` while `active`. */
export function useServerNow(active: boolean, intervalMs = 250): number {
  const offset = useInterviewStore((s) => s.clockOffsetMs)
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!active) return
    const timer = setInterval(() => setNow(Date.now()), intervalMs)
    return () => clearInterval(timer)
  }, [active, intervalMs])
  return now + offset
}
