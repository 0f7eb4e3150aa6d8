import { describe, expect, it } from 'vitest'
import { openWithRooms, type StoreUnderTest } from '../storage/interviewStoreContract.ts'
import { InterviewerKeys, MAX_KEY_LABEL_LENGTH, type InterviewerKeyStore } from './InterviewerKeys.ts'

/**
 * What every {@link InterviewerKeyStore} must do, seen through {@link InterviewerKeys}, against the
 * embedded SQLite and a real Postgres (`stores.contract.test.ts`).
 */
export function interviewerKeyStoreContract(
  name: string,
  open: () => Promise<StoreUnderTest<InterviewerKeyStore>>
): void {
  describe(`${name}: interviewer key store contract`, () => {
    const withRooms = openWithRooms(open)

    it('creates keys shown once, checks them, lists them and revokes them', async () => {
      const { store } = await withRooms()
      const keys = new InterviewerKeys(store)
      expect(await keys.list()).toEqual([])
      const a = await keys.create('  Hiring team  ', 1_000)
      const b = await keys.create('Ops', 2_000)
      expect(a.key).toMatch(/^lbk_[A-Za-z0-9_-]{43}$/)
      expect(a).toMatchObject({ label: 'Hiring team', createdAt: 1_000, revokedAt: null })
      expect(await keys.check(a.key)).toEqual({ ok: true, id: a.id })
      expect(await keys.check(`${a.key}x`)).toEqual({ ok: false, reason: 'unknown' })
      expect(await keys.list()).toEqual([
        { id: a.id, label: 'Hiring team', createdAt: 1_000, revokedAt: null },
        { id: b.id, label: 'Ops', createdAt: 2_000, revokedAt: null },
      ])
      expect(await keys.revoke(a.id, 3_000)).toBe(true)
      expect(await keys.revoke(a.id, 4_000)).toBe(false)
      expect(await keys.revoke('nope', 4_000)).toBe(false)
      expect(await keys.check(a.key)).toEqual({ ok: false, reason: 'revoked' })
      expect(await keys.check(b.key)).toEqual({ ok: true, id: b.id })
      expect((await keys.list())[0]).toEqual({ id: a.id, label: 'Hiring team', createdAt: 1_000, revokedAt: 3_000 })
    })

    it('refuses an empty or overlong label, storing nothing', async () => {
      const { store } = await withRooms()
      const keys = new InterviewerKeys(store)
      await expect(keys.create('   ')).rejects.toThrow(/label/)
      await expect(keys.create('x'.repeat(MAX_KEY_LABEL_LENGTH + 1))).rejects.toThrow(/label/)
      expect(await keys.list()).toEqual([])
    })
  })
}
