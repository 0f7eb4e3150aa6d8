import type { Prompt } from '../../schema.ts'

export const COLLABORATIVE_PLAYLIST: Prompt = {
  id: 'collaborative-playlist',
  title: 'Real-time collaborative playlists',
  statement:
    'Design collaborative playlists: several people share one playlist and can add, remove and reorder tracks at the same time, and everyone sees the changes in real time.',
  track: 'backend',
  difficulty: 'medium',
  tags: ['WebSockets', 'Concurrency', 'Conflict Resolution', 'Pub/Sub'],
  durationMinutes: 45,
  phases: [
    {
      id: 'clarify',
      title: 'Clarify requirements',
      minutes: 5,
      goals: ['Collaborator and playlist size limits', 'Conflict semantics, offline editing and history'],
    },
    {
      id: 'estimate',
      title: 'Estimate scale',
      minutes: 5,
      goals: ['Edit rate, storage and number of live viewers'],
    },
    {
      id: 'high-level-design',
      title: 'High-level design',
      minutes: 15,
      goals: ['Playlist service, op log, pub/sub and WebSocket gateways', 'Data model for entries and the edit API'],
    },
    {
      id: 'deep-dive',
      title: 'Deep dive: concurrency and conflicts',
      minutes: 15,
      goals: ['Ordering model for concurrent moves and inserts', 'Offline edits, retries and reconnect catch-up'],
    },
    {
      id: 'wrap-up',
      title: 'Wrap-up',
      minutes: 5,
      goals: ['Failure cases, limits and what to monitor'],
    },
  ],
  clarifyingQuestions: [
    'How many collaborators can a playlist have, and how long can a playlist get?',
    'If two people move the same track at once, is last-writer-wins acceptable or must both intentions survive?',
    'Must edits work offline and merge later?',
    'Do we need edit history, undo, or attribution of who added each track?',
    'How quickly must a collaborator see a change?',
  ],
  requirements: {
    functional: [
      'Invite collaborators; add, remove and reorder tracks; the same track may appear twice',
      'Live updates for everyone who has the playlist open',
      'Offline edits merge when the device reconnects',
      'Show who added each track and keep a revision history',
    ],
    nonFunctional: [
      'Online collaborators see changes within about a second',
      'No lost edits; every replica converges to the same order',
      'Read-heavy: playlists are opened far more than they are edited',
      'Reads stay available even when the edit path is degraded',
    ],
  },
  estimates: [
    {
      label: 'Playlist edit rate',
      value: '~900 edits/s average, ~3k/s peak',
      reasoning:
        'Assume 5% of 300M daily users edit a playlist, ~5 edits each: 75M edits/day ÷ 86,400 s ≈ 870/s. Modest for a store partitioned by playlist id.',
    },
    {
      label: 'Playlist storage',
      value: '~10 TB plus op logs',
      reasoning: '~4B playlists × ~60 entries × ~40 bytes ≈ 10 TB; op logs are compacted into snapshots periodically.',
    },
    {
      label: 'Live collaborative viewers',
      value: '~200k open sockets at peak',
      reasoning:
        'If ~0.5% of ~40M peak-time users have a shared playlist open, that is ~200k connections: a handful of gateways at ~50k connections each.',
    },
    {
      label: 'Fan-out per edit',
      value: 'Usually fewer than 10 recipients',
      reasoning:
        'Collaborative playlists typically have a few editors; popular public playlists have many followers but few editors and do not need instant pushes to all of them.',
    },
  ],
  hints: [
    'What goes wrong if an edit says "move index 3 to index 7" while someone else is inserting at index 5?',
    'Give each playlist entry its own stable id, separate from the track id, so duplicates and moves are unambiguous.',
    'Consider one ordering authority per playlist: all edits for that playlist go through one partition owner that assigns revision numbers.',
    'To reorder without renumbering everything, look at fractional order keys between neighbours, or a sequence CRDT.',
    'Near-answer: clients send ops (add after entry X, remove entry Y, move Y after Z) with an op id and their base revision; the playlist owner applies them in order, rebases ops from stale clients, appends to an op log, bumps the revision and publishes the op on a per-playlist channel that WebSocket gateways relay; reconnecting clients request ops since their last revision or a fresh snapshot.',
  ],
  deepDives: [
    'Fractional order keys grow after many inserts into the same gap. How do you rebalance without confusing concurrent clients?',
    'Server-sequenced operations or a CRDT for offline-first editing: which would you ship, and why?',
    'One user removes a track while another moves it. What should the result be?',
    'How do gateways learn which playlists their sockets care about, without every edit reaching every gateway?',
    "How would you implement undo for one collaborator without undoing other people's work?",
  ],
  strongAnswer: [
    'Models entries with stable ids and order keys instead of array positions',
    'Chooses a concurrency model (single sequencer with rebasing, or a sequence CRDT) and states its conflict semantics',
    'Keeps an append-only op log with periodic snapshots for history, catch-up and compaction',
    'Delivers updates through a per-playlist pub/sub channel and WebSocket gateways, with catch-up on reconnect',
    'Handles offline edits, idempotent retries via op ids, and permission checks on every op',
  ],
  rubric: [
    {
      id: 'requirements-scoping',
      title: 'Requirements & scoping',
      description:
        'A 4 pins down conflict semantics, offline needs and limits before designing; a 1 assumes a single editor.',
    },
    {
      id: 'data-model-apis',
      title: 'Data model & APIs',
      description:
        'A 4 defines playlist, entry and op records with stable ids, revisions and an op-based API carrying a base revision; a 1 stores an array and overwrites it on every save.',
    },
    {
      id: 'conflict-resolution',
      title: 'Concurrency & conflict resolution',
      description:
        'A 4 walks through concrete concurrent scenarios and shows convergence; a 1 relies on last-write-wins of the whole list and loses edits.',
    },
    {
      id: 'scalability-reliability',
      title: 'Scalability & reliability',
      description:
        'A 4 partitions by playlist, explains gateway routing and reconnect catch-up; a 1 broadcasts every edit to every server.',
    },
    {
      id: 'communication',
      title: 'Communication',
      description:
        'A 4 uses small worked examples on the board to explain conflicts; a 1 describes the algorithm only in the abstract.',
    },
  ],
}

export const FRIEND_ACTIVITY: Prompt = {
  id: 'friend-activity-feed',
  title: 'Friend Activity: what your friends are playing now',
  statement:
    'Design the Friend Activity panel, a live list of what each person you follow is listening to right now. Changes should show up with as little delay as possible.',
  track: 'backend',
  difficulty: 'medium',
  tags: ['Real-time', 'Caching', 'Graph Database', 'Polling vs WebSockets'],
  durationMinutes: 45,
  phases: [
    {
      id: 'clarify',
      title: 'Clarify requirements',
      minutes: 5,
      goals: ['Freshness target, follow counts and privacy rules'],
    },
    {
      id: 'estimate',
      title: 'Estimate scale',
      minutes: 5,
      goals: ['Status write rate, store size and the cost of pull versus push'],
    },
    {
      id: 'high-level-design',
      title: 'High-level design',
      minutes: 15,
      goals: ['Status store, follow graph, fan-out and gateways', 'Panel load path and live update path'],
    },
    {
      id: 'deep-dive',
      title: 'Deep dive: push, pull and hot users',
      minutes: 15,
      goals: ['Hybrid delivery and who gets pushes', 'Throttling skippers and users with many followers'],
    },
    {
      id: 'wrap-up',
      title: 'Wrap-up',
      minutes: 5,
      goals: ['Privacy guarantees and failure behaviour'],
    },
  ],
  clarifyingQuestions: [
    'How fresh must the panel be: a few seconds, or is a minute fine?',
    'How many people does a typical user follow, and what is the maximum?',
    'Which clients show the panel, and only while the app is in the foreground?',
    'How do private sessions and "hide my activity" settings behave?',
    'Do we show only the current track, or a short history as well?',
  ],
  requirements: {
    functional: [
      "Show each followed person's current or most recent track with a timestamp",
      'Update entries as friends change tracks',
      'Honor private sessions and per-user sharing settings',
      'Tap through to play the same track or open the profile',
    ],
    nonFunctional: [
      'Changes visible within ~5–10 s',
      'Panel loads in under 200 ms',
      'Status writes keep up with every track start worldwide',
      'Degrade to slightly stale data rather than errors',
    ],
  },
  estimates: [
    {
      label: 'Status writes',
      value: '~100k/s average, ~250k/s peak',
      reasoning: 'Every track start updates the listener status: ~8.4B plays/day ÷ 86,400 s ≈ 100k/s.',
    },
    {
      label: 'Status store size',
      value: '~60 GB in memory',
      reasoning:
        '300M active users × ~200 bytes (track id, context, timestamp, device type) ≈ 60 GB, easily held in a sharded in-memory store.',
    },
    {
      label: 'Open panels at peak',
      value: '~10M viewers',
      reasoning:
        'Mostly desktop clients; assume, generously, that a quarter of the ~40M peak-time listeners have the panel visible.',
    },
    {
      label: 'Pull versus push cost',
      value: 'Polling ≈ 17M key reads/s; push ≈ 1M messages/s',
      reasoning:
        '10M panels polling every 30 s ≈ 330k requests/s, each reading ~50 friend statuses ≈ 17M reads/s. Pushing 250k changes/s to the ~4 followers who are actually viewing (of ~50) ≈ 1M messages/s.',
    },
  ],
  hints: [
    'What state does the panel really need: a history, or just the latest value per friend?',
    "Compare pulling friends' statuses on a timer with pushing changes as they happen. Which is cheaper at your numbers?",
    'Who is online and looking at the panel right now? Only those people need pushes.',
    'Watch out for accounts with very many followers: fanning out each of their track changes is expensive.',
    'Near-answer: track-start events update a latest-status KV (user → track, time); opening the panel reads the cached follow list and multi-gets statuses; a presence registry maps online viewers to WebSocket gateways; a fan-out service pushes changes only to followers currently viewing; accounts with huge follower counts are pulled instead, and clients poll slowly as a safety net.',
  ],
  deepDives: [
    'Where does the follow graph live? Do you need a graph database, or are adjacency lists in a KV store enough?',
    'How do you throttle updates from someone skipping through ten tracks in a minute?',
    'A user enables a private session mid-song. How do you guarantee no follower sees the next track?',
    'How do gateways find the right connection for a viewer, and what happens when a gateway restarts?',
  ],
  strongAnswer: [
    'Identifies the data as one latest value per user and keeps it in a fast in-memory KV store',
    'Quantifies pull and push costs and chooses a hybrid: read on open, push to active viewers, slow polling as fallback',
    'Handles hot accounts and rapid skipping with coalescing and pull-based fallbacks',
    'Treats privacy settings as hard filters applied before any fan-out',
    'Explains connection management: presence registry, gateway routing and reconnection',
  ],
  rubric: [
    {
      id: 'requirements-scoping',
      title: 'Requirements & scoping',
      description: 'A 4 sets a freshness target and privacy rules up front; a 1 leaves "real time" undefined.',
    },
    {
      id: 'estimation',
      title: 'Estimation',
      description:
        'A 4 puts numbers on writes, store size and both delivery strategies and compares them; a 1 picks WebSockets without any cost argument.',
    },
    {
      id: 'high-level-design',
      title: 'High-level design',
      description:
        'A 4 separates the status store, follow graph, fan-out and gateways with a clear load path and update path; a 1 queries the listening history table on every refresh.',
    },
    {
      id: 'deep-dive-tradeoffs',
      title: 'Deep dive & trade-offs',
      description:
        'A 4 reasons about hot users, throttling and privacy races; a 1 treats every user and every update the same.',
    },
    {
      id: 'communication',
      title: 'Communication',
      description: 'A 4 states the pull-versus-push decision and why in one sentence; a 1 wavers without committing.',
    },
  ],
}
