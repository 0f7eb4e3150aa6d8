import type { Storage } from './Storage.ts'

/**
 * {@link Storage} with every method returning a promise: the shape a networked database
 * (Postgres) can implement. Derived from `Storage`, so the two never drift apart.
 */
export type AsyncStorage = {
  [K in keyof Storage]: Storage[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never
}

/**
 * A synchronous storage seen through the asynchronous interface (the embedded SQLite, so one
 * contract suite runs against every backend). A thrown error becomes a rejection.
 */
export function asyncStorage(storage: Storage): AsyncStorage {
  return new Proxy(storage, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown
      if (typeof value !== 'function') return value
      return async (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(target, args)
    },
  }) as unknown as AsyncStorage
}
