/**
 * `T` with every method returning a promise: the shape of a store a networked database
 * (Postgres) can implement, derived from the synchronous class so the two never drift apart.
 */
export type Promised<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : T[K]
}

/**
 * A synchronous store (the embedded SQLite's) seen through its asynchronous interface, so one
 * contract suite and one service run against every backend. A thrown error becomes a rejection;
 * a synchronous method still runs to its end before anything else, as it did.
 */
export function promised<T extends object>(sync: T): Promised<T> {
  return new Proxy(sync, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown
      if (typeof value !== 'function') return value
      return async (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(target, args)
    },
  }) as unknown as Promised<T>
}
