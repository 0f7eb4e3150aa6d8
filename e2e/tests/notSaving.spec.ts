import { join as joinPath } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { expect, test } from '../fixtures/test.ts'

test('when the server is gone the room says edits are not being saved, and clears it once they are', async ({
  room,
  join,
  server,
}) => {
  const interviewer = await join(room.links.interviewer, 'Ivy')
  await interviewer.ready()
  await interviewer.drawRectangle(150, 150)
  const banner = interviewer.page.getByTestId('connection-banner')
  await expect(banner).toHaveCount(0)

  await server.stop()
  // After a moment without the server (NOT_SAVING_AFTER_MS), in plain words and announced.
  await expect(banner).toHaveAttribute('data-state', 'not-saving', { timeout: 15_000 })
  await expect(banner).toHaveAttribute('role', 'alert')
  await expect(banner).toContainText('Your edits are not being saved.')
  await expect(banner).toContainText('kept in this browser')
  // Work goes on locally meanwhile.
  await interviewer.drawRectangle(400, 300)
  await expect(interviewer.rectangles).toHaveCount(2)

  await server.restart()
  await expect(interviewer.connection).toHaveAttribute('data-state', 'connected', { timeout: 20_000 })
  await expect(banner).toHaveCount(0)
  // What was drawn while it was down reached the server: a newcomer loads it from there.
  const candidate = await join(room.links.candidate, 'Cam')
  await candidate.ready()
  await expect(candidate.rectangles).toHaveCount(2)
  expect(await candidate.shapeIds()).toEqual(await interviewer.shapeIds())
})

test('a room the server refuses as unavailable (4503) shows the status until the room loads again', async ({
  room,
  join,
  server,
}) => {
  // A stored update that does not decode: the relay cannot load the room and closes with 4503.
  // (The operator's repair is simulated by deleting it again; DATA_DIR/loopboard.db, see README.)
  const db = new DatabaseSync(joinPath(server.dataDir, 'loopboard.db'))
  const bad = db.prepare('INSERT INTO room_updates (room_id, seq, ts, author, bytes) VALUES (?, 1, 1, ?, ?)')
  bad.run(room.roomId, 'candidate', Uint8Array.of(0xff, 1))

  const interviewer = await join(room.links.interviewer, 'Ivy')
  const banner = interviewer.page.getByTestId('connection-banner')
  await expect(banner).toHaveAttribute('data-state', 'not-saving', { timeout: 15_000 })
  await expect(banner).toContainText('Your edits are not being saved.')

  // The operator repairs the room and restarts the server (a running relay retries a room it
  // could not load only after a minute); the open tab reconnects by itself and the status goes.
  await server.stop()
  db.prepare('DELETE FROM room_updates WHERE room_id = ?').run(room.roomId)
  db.close()
  await server.restart()
  await expect(interviewer.connection).toHaveAttribute('data-state', 'connected', { timeout: 20_000 })
  await expect(banner).toHaveCount(0)
})
