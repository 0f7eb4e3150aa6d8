import { execFile } from 'node:child_process'
import { resolve } from 'node:path'
import { promisify } from 'node:util'
import { expect, test } from '../fixtures/test.ts'

const REPO = resolve(import.meta.dirname, '../..')

test.use({ serverEnv: { ROOM_CREATION: 'restricted' } })

test('a restricted server asks for the interviewer key on the landing page and remembers it', async ({
  page,
  server,
}) => {
  const { stdout } = await promisify(execFile)(process.execPath, ['server/src/cli/keys.ts', 'create', 'Panel'], {
    cwd: REPO,
    env: { ...process.env, DATA_DIR: server.dataDir },
  })
  const key = /^\s+(lbk_[\w-]+)\s*$/m.exec(stdout)![1]!

  await page.goto(server.url)
  const keyField = page.getByLabel('Interviewer key')
  await expect(keyField).toBeVisible()

  await keyField.fill('lbk_wrong')
  await page.getByRole('button', { name: 'New interview' }).click()
  await expect(page.getByRole('alert')).toContainText('not one of this server’s keys')

  await keyField.fill(key)
  await page.getByRole('button', { name: 'New interview' }).click()
  await expect(page.getByTestId('link-interviewer')).toHaveValue(/\/r\/.+#token=/)

  await page.reload()
  await expect(page.getByLabel('Interviewer key')).toHaveValue(key)
})
