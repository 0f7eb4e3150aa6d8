import { Landing } from './landing/Landing.tsx'
import { useLocationHref } from './lib/useLocationHref.ts'
import { MessageScreen } from './room/MessageScreen.tsx'
import { parseReviewLink, parseRoomLink } from './room/roomLink.ts'
import { RoomPage } from './room/RoomPage.tsx'
import { ReviewPage } from './review/ReviewPage.tsx'

export function App() {
  const url = new URL(useLocationHref())
  if (url.pathname === '/') return <Landing />
  const review = parseReviewLink(url)
  // Keyed by token: a corrected link pasted into this tab opens the room afresh, no reload needed.
  if (review) return <ReviewPage key={review.token ?? ''} link={review} />
  const link = parseRoomLink(url)
  if (link) return <RoomPage key={link.token ?? ''} link={link} />
  return (
    <MessageScreen title="Page not found">
      <p>
        <a href="/">Start a new interview</a>
      </p>
    </MessageScreen>
  )
}
