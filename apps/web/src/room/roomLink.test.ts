import { describe, expect, it } from 'vitest'
import { parseReviewLink, parseRoomLink } from './roomLink.ts'

describe('parseRoomLink', () => {
  it('reads the room, the token from the fragment and the name from the query', () => {
    expect(parseRoomLink(new URL('http://h/r/abc_-1?name=Ada%20L#token=t0k'))).toEqual({
      roomId: 'abc_-1',
      token: 't0k',
      name: 'Ada L',
    })
  })

  it('accepts token and name in either place, and a name appended after the fragment', () => {
    expect(parseRoomLink(new URL('http://h/r/r1?token=q'))).toEqual({ roomId: 'r1', token: 'q', name: null })
    expect(parseRoomLink(new URL('http://h/r/r1#token=t&name=Bo'))).toEqual({ roomId: 'r1', token: 't', name: 'Bo' })
  })

  it('treats blank values as missing and rejects other paths', () => {
    expect(parseRoomLink(new URL('http://h/r/r1?name=%20#token='))).toEqual({ roomId: 'r1', token: null, name: null })
    expect(parseRoomLink(new URL('http://h/'))).toBeNull()
    expect(parseRoomLink(new URL('http://h/r/a/b'))).toBeNull()
  })
})

describe('parseReviewLink', () => {
  it('reads the room and the token of a review link', () => {
    expect(parseReviewLink(new URL('http://h/r/abc_-1/review#token=t0k'))).toEqual({ roomId: 'abc_-1', token: 't0k' })
    expect(parseReviewLink(new URL('http://h/r/r1/review/?token=q'))).toEqual({ roomId: 'r1', token: 'q' })
    expect(parseReviewLink(new URL('http://h/r/r1/review#token=%20'))).toEqual({ roomId: 'r1', token: null })
  })

  it('leaves room links and other paths alone', () => {
    expect(parseReviewLink(new URL('http://h/r/r1#token=t'))).toBeNull()
    expect(parseReviewLink(new URL('http://h/r/r1/reviews'))).toBeNull()
    expect(parseRoomLink(new URL('http://h/r/r1/review#token=t'))).toBeNull()
  })
})
