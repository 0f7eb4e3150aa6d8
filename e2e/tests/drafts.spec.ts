import { expect, test } from '../fixtures/test.ts'
import { InterviewPanel } from '../fixtures/InterviewPanel.ts'
import { withName } from '../fixtures/RoomPage.ts'

test('an unsaved scorecard and a half-written note survive a reload and show in a second tab', async ({
  room,
  join,
}) => {
  const interviewer = await join(room.links.interviewer, 'Ivy')
  await interviewer.ready()
  const ivy = new InterviewPanel(interviewer.page)
  await ivy.choosePrompt('spotify', 'design-spotify')

  // A scorecard typed but never saved.
  await ivy.open('Scorecard')
  const firstDimension = interviewer.page.locator('fieldset.dimension').first()
  await firstDimension.getByRole('radio', { name: '2 Mixed' }).check()
  await firstDimension.getByRole('textbox').fill('Draft comment that must survive')
  await expect(interviewer.page.getByTestId('draft-status')).toHaveText('Draft kept on the server')

  // A second tab of the same interviewer sees the draft, and follows further typing.
  const second = await interviewer.context.newPage()
  await second.goto(withName(room.links.interviewer, 'Ivy'))
  const ivy2 = new InterviewPanel(second)
  await ivy2.open('Scorecard')
  const secondDimension = second.locator('fieldset.dimension').first()
  await expect(secondDimension.getByRole('textbox')).toHaveValue('Draft comment that must survive')
  await expect(secondDimension.getByRole('radio', { name: '2 Mixed' })).toBeChecked()
  await interviewer.page.getByLabel('Summary').fill('Summary typed in the first tab')
  await expect(second.getByLabel('Summary')).toHaveValue('Summary typed in the first tab')

  // A half-written note, kept the same way.
  await ivy.open('My notes')
  await interviewer.page.getByLabel('New note').fill('Half a note about sharding')
  await ivy2.open('My notes')
  await expect(second.getByLabel('New note')).toHaveValue('Half a note about sharding')
  await second.close()

  // Reload: everything typed is still there.
  await interviewer.page.reload()
  await interviewer.ready()
  await ivy.open('My notes')
  await expect(interviewer.page.getByLabel('New note')).toHaveValue('Half a note about sharding')
  await ivy.open('Scorecard')
  await expect(firstDimension.getByRole('textbox')).toHaveValue('Draft comment that must survive')
  await expect(firstDimension.getByRole('radio', { name: '2 Mixed' })).toBeChecked()
  await expect(interviewer.page.getByLabel('Summary')).toHaveValue('Summary typed in the first tab')

  // Saving turns the draft into the scorecard; the draft is gone.
  await interviewer.page.getByRole('button', { name: 'Save scorecard' }).click()
  await expect(interviewer.page.getByRole('button', { name: 'Saved' })).toBeVisible()
  await expect(interviewer.page.getByTestId('draft-status')).toHaveCount(0)
  await interviewer.page.reload()
  await interviewer.ready()
  await ivy.open('Scorecard')
  await expect(interviewer.page.getByRole('button', { name: 'Saved' })).toBeVisible()
  await expect(firstDimension.getByRole('textbox')).toHaveValue('Draft comment that must survive')
})
