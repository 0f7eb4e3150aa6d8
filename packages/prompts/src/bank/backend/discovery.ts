import type { Prompt } from '../../schema.ts'

export const SEARCH_AUTOCOMPLETE: Prompt = {
  id: 'search-autocomplete',
  title: 'Search autocomplete under 50 ms',
  statement:
    'Design search autocomplete for Spotify. As the user types, suggest matching tracks, artists and albums, and return each response in under 50 ms.',
  track: 'backend',
  difficulty: 'medium',
  tags: ['Trie', 'Elasticsearch', 'Caching', 'Distributed Systems'],
  durationMinutes: 45,
  phases: [
    {
      id: 'clarify',
      title: 'Clarify requirements',
      minutes: 5,
      goals: ['Where the 50 ms is measured, personalization, freshness of new releases'],
    },
    {
      id: 'estimate',
      title: 'Estimate scale',
      minutes: 5,
      goals: ['Query rate, suggestible entities and index memory'],
    },
    {
      id: 'high-level-design',
      title: 'High-level design',
      minutes: 15,
      goals: ['Offline index builder, in-memory serving nodes, edge cache', 'The request path and its latency budget'],
    },
    {
      id: 'deep-dive',
      title: 'Deep dive: index and freshness',
      minutes: 15,
      goals: ['Top-K per prefix, sharding versus replication', 'Real-time updates and light personalization'],
    },
    {
      id: 'wrap-up',
      title: 'Wrap-up',
      minutes: 5,
      goals: ['Failure handling and metrics'],
    },
  ],
  clarifyingQuestions: [
    'Is the 50 ms a server-side percentile or end to end on the device?',
    'Are suggestions personalized, or the same for everyone in a market?',
    'How many suggestions do we show, and are entity types mixed or grouped?',
    'How soon after release must a new album be suggestible?',
    'Which languages and scripts must work, and how do we treat accents?',
  ],
  requirements: {
    functional: [
      'Return top suggestions for a prefix across tracks, artists, albums and playlists',
      'Rank by popularity with an optional personal boost',
      'Respect market availability and explicit-content settings',
      'New releases become suggestible within minutes',
    ],
    nonFunctional: [
      'Server-side p99 under 50 ms; clients debounce keystrokes',
      'About 200k requests/s at peak',
      'Stale suggestions are better than none: high availability',
      'Index updates without downtime',
    ],
  },
  estimates: [
    {
      label: 'Autocomplete request rate',
      value: '~60k/s average, ~200k/s peak',
      reasoning:
        '300M daily users × ~3 searches × ~6 requests per search after debouncing ≈ 5.4B/day ≈ 62k/s; peaks about 3×.',
    },
    {
      label: 'Suggestible names',
      value: '~20M entities',
      reasoning:
        'Artists, albums and tracks above a play threshold: on the order of 20M names. The long tail of ~100M tracks is left to full search.',
    },
    {
      label: 'Prefix index memory',
      value: '~10 GB per replica',
      reasoning:
        'A compressed trie over 20M names has well under 100M nodes; storing the top-10 entity ids (~80 bytes) per node comes to ~8–10 GB, so each replica can hold the whole index in RAM.',
    },
    {
      label: 'Hot short prefixes',
      value: '~50k one-to-three-character keys per market',
      reasoning:
        '36³ ≈ 47k alphanumeric prefixes of length ≤ 3 absorb a large share of traffic and can be cached at the edge with a short TTL.',
    },
  ],
  hints: [
    'Where do the 50 ms go? Leave room for the network and for ranking.',
    'Could you precompute the answer for each prefix instead of searching at request time?',
    'A trie whose nodes store their top-K results makes a lookup proportional to the prefix length.',
    'Short prefixes are few and very hot; long ones are many and rare. Treat them differently.',
    'Near-answer: an offline builder produces a trie (or FST) per market with top-K entity ids per node, weighted by recent popularity; serving nodes keep it in memory and swap versions atomically; short prefixes are cached at the edge; a light re-rank adds personal affinity; a small real-time delta index (or an Elasticsearch completion suggester) covers new releases until the next build.',
  ],
  deepDives: [
    'How does a freshly released album get into suggestions within minutes?',
    'How would you add personalization without breaking the latency budget?',
    'Shard the index by prefix or replicate it fully? What about hot shards?',
    'Responses can arrive out of order when the user types fast. How does the client cope?',
  ],
  strongAnswer: [
    'Breaks down the 50 ms budget and keeps cross-datacenter calls off the hot path',
    'Precomputes top-K per prefix in an in-memory trie or FST and reloads it atomically',
    'Caches hot short prefixes at the edge and debounces on the client',
    'Keeps freshness with a small real-time delta index merged at query time',
    'Explains ranking signals: popularity, recency, personal affinity and market availability',
  ],
  rubric: [
    {
      id: 'estimation',
      title: 'Estimation',
      description:
        'A 4 derives query rate and index memory and concludes the index fits in RAM; a 1 never sizes the index.',
    },
    {
      id: 'high-level-design',
      title: 'High-level design',
      description:
        'A 4 separates offline building from in-memory serving and edge caching; a 1 runs a LIKE query against the catalog database per keystroke.',
    },
    {
      id: 'data-model-apis',
      title: 'Data structures & APIs',
      description:
        'A 4 explains the trie or FST with top-K per node and the suggest API; a 1 names a trie without saying what is stored where.',
    },
    {
      id: 'scalability-reliability',
      title: 'Scalability & reliability',
      description: 'A 4 handles replication, index swaps, hot prefixes and freshness; a 1 has a single index server.',
    },
    {
      id: 'communication',
      title: 'Communication',
      description: 'A 4 keeps the latency budget visible while designing; a 1 forgets the 50 ms constraint halfway.',
    },
  ],
}

export const PODCAST_NOTIFICATIONS: Prompt = {
  id: 'podcast-episode-notifications',
  title: 'New-episode push notifications for podcast followers',
  statement:
    'Design a podcast subscription system. When a creator publishes a new episode, every follower who opted in should receive a push notification within one minute.',
  track: 'backend',
  difficulty: 'medium',
  tags: ['Pub/Sub', 'Message Queues', 'Push Notifications', 'Fan-out'],
  durationMinutes: 45,
  phases: [
    {
      id: 'clarify',
      title: 'Clarify requirements',
      minutes: 5,
      goals: ['Episode sources, follower counts and the exact latency target'],
    },
    {
      id: 'estimate',
      title: 'Estimate scale',
      minutes: 5,
      goals: ['Episode rate, the largest fan-out and the sender fleet it needs'],
    },
    {
      id: 'high-level-design',
      title: 'High-level design',
      minutes: 15,
      goals: ['Publish detection, fan-out planner, queues and senders', 'Follow and device-token data model'],
    },
    {
      id: 'deep-dive',
      title: 'Deep dive: fan-out at scale',
      minutes: 15,
      goals: ['Parallelism, deduplication and retries', 'Provider throttling and priority between shows'],
    },
    {
      id: 'wrap-up',
      title: 'Wrap-up',
      minutes: 5,
      goals: ['Measuring latency per stage, token hygiene'],
    },
  ],
  clarifyingQuestions: [
    'Where do episodes come from: uploads to our platform, external RSS feeds, or both?',
    'How many followers can one show have?',
    'Is the one-minute target an average or a high percentile, and measured from when to when?',
    'Should every device of a user be notified?',
    'Do we support quiet hours, per-show opt-outs and localized texts?',
  ],
  requirements: {
    functional: [
      'Follow and unfollow shows; toggle notifications per show',
      'Detect new episodes from hosted uploads and external RSS feeds',
      'Send one notification per opted-in device per episode, with a deep link',
      'Respect quiet hours, preferences and invalidated device tokens',
    ],
    nonFunctional: [
      '95% of notifications handed to APNs/FCM within 60 s of publishing',
      'No duplicate notifications for one episode',
      'Handles shows with tens of millions of followers',
      'Provider throttling or outages delay work but never lose it',
    ],
  },
  estimates: [
    {
      label: 'New episodes per day',
      value: '~100k/day, bursty on the hour',
      reasoning:
        'Assume ~5M active shows, many weekly: roughly 100k episodes a day, with spikes when scheduled releases go out at round hours.',
    },
    {
      label: 'Largest single fan-out',
      value: '~20M sends in 60 s ≈ 330k sends/s',
      reasoning:
        'A top show with ~15M opted-in followers averaging ~1.3 devices ≈ 20M notifications; spread over 60 s that is ~330k/s.',
    },
    {
      label: 'Sender fleet',
      value: '~70 sender workers',
      reasoning:
        'If one process sustains ~5k sends/s over multiplexed HTTP/2 connections, 330k/s needs ~66 workers; keep a warm pool sized for the biggest shows.',
    },
    {
      label: 'Follow index size',
      value: '~50 GB',
      reasoning:
        '300M users × ~10 followed shows = 3B edges × ~16 bytes ≈ 48 GB, partitioned by show id so a fan-out reads contiguous pages.',
    },
  ],
  hints: [
    'Separate "an episode was published" from "send N notifications". What sits in between?',
    'A 20M-follower show is too much for one worker. How do you split one episode into many independent tasks?',
    'Hosted uploads can emit events directly. How would you learn about a new episode in an external feed within seconds rather than at the next hourly poll?',
    'What makes a retried send safe? Think about a key per (episode, user).',
    'Near-answer: publish event → durable log; a fan-out planner pages the show follower list into ~10k-user tasks; workers expand users to device tokens, filter preferences, record a dedup key (episode, user) and enqueue send batches; sender pools call APNs/FCM with backoff; external feeds use WebSub callbacks plus tiered polling, with popular shows polled every minute.',
  ],
  deepDives: [
    'APNs starts throttling you halfway through a huge fan-out. What happens to the rest of the queue and to the 60-second target?',
    "How do you keep a small show's episode from waiting behind a 20M-follower fan-out?",
    'How do you clean up invalid device tokens at scale?',
    'How would you measure end-to-end latency when the last hop is outside your control?',
  ],
  strongAnswer: [
    'Decouples publish detection, fan-out planning and sending with durable queues',
    'Parallelizes big fan-outs by paging the follower list and sizes the sender fleet from the 60-second budget',
    'Covers hosted publishing events and external feeds (WebSub plus adaptive polling)',
    'Makes sends idempotent and retries safe; handles throttling with backoff and priority lanes',
    'Respects preferences, quiet hours and token hygiene, and measures latency at each stage',
  ],
  rubric: [
    {
      id: 'requirements-scoping',
      title: 'Requirements & scoping',
      description:
        'A 4 defines where the minute starts and ends and which episode sources exist; a 1 assumes every episode is uploaded directly.',
    },
    {
      id: 'estimation',
      title: 'Estimation',
      description:
        'A 4 sizes the largest fan-out and derives the send rate and fleet from it; a 1 never relates follower counts to the time budget.',
    },
    {
      id: 'high-level-design',
      title: 'High-level design',
      description:
        'A 4 has detection, planning and sending as separate stages joined by queues; a 1 loops over followers inside the upload request.',
    },
    {
      id: 'scalability-reliability',
      title: 'Scalability & reliability',
      description:
        'A 4 handles retries without duplicates, throttling, priorities and worker crashes; a 1 has no answer for partial failure.',
    },
    {
      id: 'communication',
      title: 'Communication',
      description:
        'A 4 keeps the pipeline diagram clear and checks it against the minute budget; a 1 jumps between details.',
    },
  ],
}
