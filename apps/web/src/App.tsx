import { Landing } from './landing/Landing.tsx'
import { MessageScreen } from './room/MessageScreen.tsx'
import { parseReviewLink, parseRoomLink } from './room/roomLink.ts'
import { RoomPage } from './room/RoomPage.tsx'
import { ReviewPage } from './review/ReviewPage.tsx'

export function App() {
  const url = new URL(window.location.href)
  if (url.pathname === '/') return <Landing />
  const review = parseReviewLink(url)
  if (review) return <ReviewPage link={review} />
  const link = parseRoomLink(url)
  if (link) return <RoomPage link={link} />
  return (
    <MessageScreen title="Page not found">
      <p>
        <a href="/">Start a new interview</a>
      </p>
    </MessageScreen>
  )
}
