/** The rounds of the session the viewer ran: each has its own review at `?round=<n>`. */
export function RoundPicker({ round, rounds }: { round: number; rounds: readonly number[] }) {
  if (rounds.length <= 1) return round > 1 ? <span className="badge muted">Round {round}</span> : null
  const href = (n: number) => `${window.location.pathname}?round=${n}${window.location.hash}`
  return (
    <nav className="round-picker" aria-label="Rounds you interviewed">
      {rounds.map((n) =>
        n === round ? (
          <span key={n} className="badge" aria-current="page">
            Round {n}
          </span>
        ) : (
          <a key={n} className="badge muted" href={href(n)}>
            Round {n}
          </a>
        )
      )}
    </nav>
  )
}
