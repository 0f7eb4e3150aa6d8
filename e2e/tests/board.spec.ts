import { expect, test } from '../fixtures/test.ts'

test('a rectangle drawn by the interviewer appears for the candidate, and vice versa', async ({ room, join }) => {
  const interviewer = await join(room.links.interviewer, 'Ivy')
  const candidate = await join(room.links.candidate, 'Cam')
  await interviewer.ready()
  await candidate.ready()

  await interviewer.drawRectangle(200, 150)
  await expect(interviewer.rectangles).toHaveCount(1)
  await expect(candidate.rectangles).toHaveCount(1)

  await candidate.drawRectangle(500, 300)
  await expect(candidate.rectangles).toHaveCount(2)
  await expect(interviewer.rectangles).toHaveCount(2)
  expect(await interviewer.shapeIds()).toEqual(await candidate.shapeIds())

  // Assets (fonts, icons, translations) are self-hosted: nothing left the origin.
  expect(interviewer.foreignRequests).toEqual([])
  expect(candidate.foreignRequests).toEqual([])
})

test('a shape far off screen is mounted once it comes into view, and can be hit and selected before', async ({
  room,
  join,
}) => {
  const interviewer = await join(room.links.interviewer, 'Ivy')
  await interviewer.ready()
  await interviewer.page.evaluate(() => {
    const editor = window.loopboardEditor!
    editor.createShape({ id: 'shape:near' as never, type: 'geo', x: 100, y: 100, props: { w: 100, h: 60 } })
    editor.createShape({
      id: 'shape:far' as never,
      type: 'geo',
      x: 40_000,
      y: 40_000,
      props: {
        w: 200,
        h: 100,
        richText: {
          type: 'doc',
          content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Far away cache' }] }],
        },
      },
    })
  })
  // The candidate opens the room fresh: the far shape is on the board but out of view.
  const candidate = await join(room.links.candidate, 'Cam')
  await candidate.ready()
  const far = candidate.page.locator('.tl-shape[data-shape-id="shape:far"]')
  // Not mounted at all while it has never been in view (tldraw alone mounts every shape, hidden).
  await expect(candidate.page.locator('.tl-shape[data-shape-id="shape:near"]')).toHaveCount(1)
  await expect(far).toHaveCount(0)
  // Geometry does not need the component: hit testing and bounds work while it is not drawn.
  expect(
    await candidate.page.evaluate(() => window.loopboardEditor!.getShapeAtPoint({ x: 40_100, y: 40_050 })?.id)
  ).toBe('shape:far')

  await candidate.page.evaluate(() => {
    const editor = window.loopboardEditor!
    editor.zoomToBounds(editor.getShapePageBounds('shape:far' as never)!, { immediate: true })
  })
  await expect(far).toContainText('Far away cache')
  await far.evaluate((element) => (element.dataset.mountedOnce = 'yes'))
  // Panning away keeps it mounted (it is not rebuilt each time it comes back).
  await candidate.page.evaluate(() => window.loopboardEditor!.setCamera({ x: 0, y: 0, z: 1 }, { immediate: true }))
  await expect(candidate.page.locator('.tl-shape[data-shape-id="shape:near"]')).toBeInViewport()
  await expect(far).toContainText('Far away cache')
  await expect(far).toHaveAttribute('data-mounted-once', 'yes')
  expect(candidate.errors).toEqual([])
})

test('labels measured in one batch give every shape the geometry tldraw measures one label at a time', async ({
  room,
  join,
}) => {
  const interviewer = await join(room.links.interviewer, 'Ivy')
  await interviewer.ready()
  const created = await interviewer.page.evaluate(() => {
    const editor = window.loopboardEditor!
    const rich = (text: string) => ({
      type: 'doc',
      content: text
        ? text.split('\n').map((line) => ({ type: 'paragraph', content: [{ type: 'text', text: line }] }))
        : [],
    })
    const words = [
      'Load balancer',
      'Kafka topic: events',
      'A label far longer than the box it sits in',
      'DB',
      'x\ny\nz',
      '',
    ]
    const fonts = ['draw', 'sans', 'serif', 'mono'] as const
    const sizes = ['s', 'm', 'l', 'xl'] as const
    const shapes: Parameters<typeof editor.createShapes>[0] = []
    for (let i = 0; i < 48; i++) {
      // Half in view, half far off screen: both are measured when the board opens.
      const x = (i % 8) * 150 + (i >= 24 ? 20_000 : 0)
      const y = Math.floor((i % 24) / 8) * 200
      const text = words[Math.floor(i / 3) % words.length]!
      const style = { font: fonts[i % 4]!, size: sizes[Math.floor(i / 4) % 4]! }
      if (i % 3 === 0)
        shapes.push({ type: 'geo', x, y, props: { ...style, w: 60 + (i % 5) * 50, h: 50, richText: rich(text) } })
      else if (i % 3 === 1)
        shapes.push({
          type: 'note',
          x,
          y,
          props: { ...style, richText: rich(text || 'Supercalifragilisticexpialidocious') },
        })
      else
        shapes.push({
          type: 'text',
          x,
          y,
          props: { ...style, richText: rich(text || 'Text'), autoSize: i % 2 === 0, w: 120 },
        })
    }
    editor.createShapes(shapes)
    return editor.getCurrentPageShapes().length
  })

  // The same board opened as it ships (labels measured in batches) and with the measurement tldraw
  // does alone (one forced layout per label), each in a fresh browser.
  const batched = await join(room.links.candidate, 'Cam')
  const unbatched = new URL(room.links.observer)
  unbatched.searchParams.set('measure', 'one-by-one')
  const alone = await join(unbatched.toString(), 'Obi')
  const geometryOf = (participant: typeof batched) =>
    participant.page.evaluate(async () => {
      const editor = window.loopboardEditor!
      // Fonts loaded and the shapes laid out with them, as a person would see the board.
      await document.fonts.ready
      await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))
      type Geometry = { bounds: { x: number; y: number; w: number; h: number }; children?: Geometry[] }
      const describe = (g: Geometry): unknown => ({
        bounds: [g.bounds.x, g.bounds.y, g.bounds.w, g.bounds.h],
        children: g.children?.map(describe),
      })
      return Object.fromEntries(
        editor
          .getCurrentPageShapes()
          .map((shape) => [
            shape.id,
            { page: editor.getShapePageBounds(shape), geometry: describe(editor.getShapeGeometry(shape) as never) },
          ])
      )
    })
  for (const participant of [batched, alone]) {
    await participant.ready()
    await expect
      .poll(() => participant.page.evaluate(() => window.loopboardEditor!.getCurrentPageShapes().length))
      .toBe(created)
  }
  const [withBatches, oneByOne] = [await geometryOf(batched), await geometryOf(alone)]
  expect(Object.keys(withBatches)).toHaveLength(created)
  expect(withBatches).toEqual(oneByOne)

  // The batches did the measuring. Measured alone: only what is not foreseen (a note whose
  // text is too wide is re-measured at smaller font sizes, one size at a time).
  const counts = await batched.page.evaluate(() => window.loopboardLabelMeasure!)
  expect(counts.batched).toBeGreaterThanOrEqual(created * 0.8)
  expect(counts.alone).toBeLessThan(counts.batched / 4)
  expect(await alone.page.evaluate(() => window.loopboardLabelMeasure!.batched)).toBe(0)

  // When a font changes state, tldraw measures every text shape again though none changed: they
  // are batched again too, and keep their geometry.
  const again = await batched.page.evaluate(() => {
    const editor = window.loopboardEditor!
    const before = { ...window.loopboardLabelMeasure! }
    const fonts = (
      editor as unknown as { fonts: { fontStates: { update(key: unknown, fn: (s: object) => object): void } } }
    ).fonts
    const texts = editor.getCurrentPageShapes().filter((shape) => shape.type === 'text')
    for (const face of new Set(texts.flatMap((shape) => editor.fonts.getShapeFontFaces(shape))))
      fonts.fontStates.update(face, (state) => ({ ...state }))
    for (const shape of texts) editor.getShapeGeometry(shape)
    const after = window.loopboardLabelMeasure!
    return { texts: texts.length, batched: after.batched - before.batched, alone: after.alone - before.alone }
  })
  expect(again).toEqual({ texts: 16, batched: 16, alone: 0 })
  expect(await geometryOf(batched)).toEqual(oneByOne)
  expect(batched.errors).toEqual([])
  expect(alone.errors).toEqual([])
})
