/** What a room link carries: `/r/<roomId>?name=<name>#token=<token>`. */
export interface RoomLink {
  roomId: string
  token: string | null
  name: string | null
}

const ROOM_PATH = /^\/r\/([^/]+)\/?$/

/**
 * Read a room link. The token normally rides in the fragment (never sent to the server in
 * page requests); `token` and `name` are accepted in the query or the fragment alike, so a
 * `&name=…` pasted at the end of a link still works.
 */
export function parseRoomLink(url: URL): RoomLink | null {
  const match = ROOM_PATH.exec(url.pathname)
  if (!match) return null
  const fragment = new URLSearchParams(url.hash.replace(/^#/, ''))
  const pick = (key: string) => {
    const value = url.searchParams.get(key) ?? fragment.get(key)
    return value && value.trim() ? value.trim() : null
  }
  return { roomId: decodeURIComponent(match[1]!), token: pick('token'), name: pick('name') }
}

/** What a review link carries: `/r/<roomId>/review#token=<interviewer token>`. */
export interface ReviewLink {
  roomId: string
  token: string | null
}

const REVIEW_PATH = /^\/r\/([^/]+)\/review\/?$/

/** Read a review link; the token is taken from the fragment or the query, like a room link's. */
export function parseReviewLink(url: URL): ReviewLink | null {
  const match = REVIEW_PATH.exec(url.pathname)
  if (!match) return null
  const fragment = new URLSearchParams(url.hash.replace(/^#/, ''))
  const token = (url.searchParams.get('token') ?? fragment.get('token'))?.trim()
  return { roomId: decodeURIComponent(match[1]!), token: token || null }
}
