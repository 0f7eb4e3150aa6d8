import type { TLMeasureTextOpts } from 'tldraw'
import { describe, expect, it } from 'vitest'
import { likelyType, measurementKey } from './labelMeasurePrefetch.ts'

// What the requests look like in tldraw 5.4.2 (see the builders in labelMeasurePrefetch.ts).
const TEXT_PROPS = { fontWeight: 'normal', fontVariant: 'normal', fontStyle: 'normal', padding: '0px' }
const geo: TLMeasureTextOpts = {
  ...TEXT_PROPS,
  fontFamily: 'var(--tl-font-draw)',
  fontSize: 22,
  lineHeight: 1.35,
  minWidth: 32,
  maxWidth: 236,
}
const note: TLMeasureTextOpts = {
  ...TEXT_PROPS,
  lineHeight: 1.35,
  fontFamily: 'var(--tl-font-draw)',
  fontSize: 22,
  maxWidth: 167,
  disableOverflowWrapBreaking: true,
  measureScrollWidth: true,
}
const text: TLMeasureTextOpts = {
  lineHeight: 1.35,
  fontWeight: 'normal',
  fontStyle: 'normal',
  padding: '0px',
  fontFamily: 'var(--tl-font-draw)',
  fontSize: 24,
  maxWidth: null,
}
const html = '<div class="tl-rich-text"><p dir="auto">Load balancer</p></div>'

describe('measurementKey', () => {
  it('is the same for the same options written in another order', () => {
    const reordered = Object.fromEntries(Object.entries(geo).reverse()) as unknown as TLMeasureTextOpts
    expect(measurementKey(html, reordered)).toBe(measurementKey(html, geo))
  })

  it('treats an option set to undefined as absent, as the measurement does', () => {
    expect(measurementKey(html, { ...text, minWidth: undefined })).toBe(measurementKey(html, text))
  })

  it('differs when the HTML or any option differs', () => {
    const key = measurementKey(html, geo)
    expect(measurementKey(html.replace('Load', 'Road'), geo)).not.toBe(key)
    expect(measurementKey(html, { ...geo, maxWidth: 237 })).not.toBe(key)
    expect(measurementKey(html, { ...geo, fontFamily: 'var(--tl-font-sans)' })).not.toBe(key)
    expect(measurementKey(html, { ...geo, otherStyles: { 'letter-spacing': '1px' } })).not.toBe(key)
    // null (no wrapping) and 0 are different widths.
    expect(measurementKey(html, { ...text, maxWidth: 0 })).not.toBe(measurementKey(html, text))
  })

  it('cannot be forged by HTML that ends like a key', () => {
    const a = measurementKey(`${html}\u0000{}`, geo)
    const b = measurementKey(html, geo)
    expect(a).not.toBe(b)
  })
})

describe('likelyType', () => {
  it('tells geo, note and text label requests apart', () => {
    expect(likelyType(geo)).toBe('geo')
    expect(likelyType(note)).toBe('note')
    expect(likelyType(text)).toBe('text')
  })
})
