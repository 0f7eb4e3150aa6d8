import type { Prompt } from '../../schema.ts'

export const WRAPPED_BACKEND: Prompt = {
  id: 'wrapped-backend',
  title: 'Spotify Wrapped: the yearly recap backend',
  statement:
    "Design the backend for Spotify Wrapped, the personal recap of a listener's year. How would you aggregate a whole year of listening for hundreds of millions of users, and serve the results when everyone opens the app on launch day?",
  track: 'backend',
  difficulty: 'hard',
  tags: ['Batch Processing', 'MapReduce', 'Data Warehousing', 'Distributed Systems'],
  durationMinutes: 45,
  phases: [
    {
      id: 'clarify',
      title: 'Clarify requirements',
      minutes: 5,
      goals: ['Which stats, which users, the data cutoff and the launch date'],
    },
    {
      id: 'estimate',
      title: 'Estimate scale',
      minutes: 6,
      goals: ['Yearly event volume, output size and launch-day read load'],
    },
    {
      id: 'high-level-design',
      title: 'High-level design',
      minutes: 14,
      goals: [
        'Event log to warehouse, batch DAG, serving store and API',
        'Where precomputation ends and serving begins',
      ],
    },
    {
      id: 'deep-dive',
      title: 'Deep dive: the batch pipeline',
      minutes: 15,
      goals: ['Incremental rollups, skewed joins and top-N per user', 'Percentiles, validation and reruns'],
    },
    {
      id: 'wrap-up',
      title: 'Launch day and wrap-up',
      minutes: 5,
      goals: ['Protecting the serving path from the launch spike'],
    },
  ],
  clarifyingQuestions: [
    "Which stats appear: minutes listened, top artists, tracks and genres, top podcasts, a listener's rank among an artist's fans?",
    'When does the data window close relative to launch, and how long is the gap?',
    'Which users are eligible — is there a minimum amount of listening?',
    'Are results precomputed or calculated when the user opens the experience?',
    'Must listening in private sessions be excluded, and how are deletion requests handled?',
  ],
  requirements: {
    functional: [
      'Compute per-user yearly stats: total minutes, top five artists, tracks and genres, top podcasts, fan percentile per artist',
      "Serve each user's recap from launch day, including data for shareable cards",
      'Exclude private-session listening and honor deletion requests',
      'Allow a full or partial rerun if a bug is found before launch',
    ],
    nonFunctional: [
      'The batch finishes within a few days of the cutoff, with time for a rerun',
      'Launch-day reads at tens of thousands of requests per second, p99 under 200 ms',
      'Results are reproducible and can be spot-checked against raw history',
      'Avoid rescanning a year of raw events more than necessary',
    ],
  },
  estimates: [
    {
      label: 'Yearly play events',
      value: '~3 trillion events',
      reasoning: '~8.4B plays/day × 365 ≈ 3.1T events for the year.',
    },
    {
      label: 'Raw and compressed event volume',
      value: '~300 TB raw, ~50 TB in a columnar format',
      reasoning:
        '~100 bytes per event (user, track, time, ms played, context) × 3T ≈ 300 TB; columnar storage with dictionary encoding compresses roughly 5–6×.',
    },
    {
      label: 'Recap output',
      value: '~3 TB of precomputed results',
      reasoning: '~600M eligible users × ~5 KB of stats and ids ≈ 3 TB: a good fit for a KV store keyed by user id.',
    },
    {
      label: 'Launch-day read load',
      value: '~17k requests/s average, ~50k/s peak',
      reasoning:
        'If ~150M users open the recap in the first 24 h with ~10 API calls each, that is ~1.5B requests ≈ 17k/s, concentrated at launch hour in each time zone.',
    },
  ],
  hints: [
    'Do you really need to scan the whole year at the end? What could you compute along the way?',
    'Think about daily or weekly partial aggregates per (user, track) that can simply be summed.',
    'Where will skew hurt: very heavy listeners, or very popular tracks in the join with metadata?',
    'A claim like "top 1% of this artist\'s listeners" needs a per-artist distribution. Exact sorting or sketches?',
    'Near-answer: a daily job rolls raw events into per-(user, track) minutes in a partitioned warehouse table; the year-end job sums ~365 partitions, joins track → artist and genre (bucketed by track id), keeps top-N per user with bounded heaps, computes per-artist quantiles with sketches, runs data-quality checks, and bulk-loads results into a KV store fronted by caches.',
  ],
  deepDives: [
    'A genre-mapping bug is found two days before launch. How fast can you recompute, and what exactly reruns?',
    'How do you handle users who asked for deletion halfway through the year?',
    'How do you spread launch traffic and protect the serving store from a thundering herd?',
    'How do you validate outputs for hundreds of millions of users without reading them?',
    'Ranking by play count versus by minutes: what changes in the pipeline?',
  ],
  strongAnswer: [
    'Sizes the year of events and chooses incremental daily rollups over one enormous scan',
    'Designs the batch DAG: rollups, skew-aware metadata joins, top-N per user, per-artist percentiles via quantile sketches',
    'Separates compute from serving by bulk-loading precomputed results into a KV store rather than querying the warehouse online',
    'Plans launch day: pre-warmed caches, staggered release by time zone, CDN-hosted share assets, graceful fallbacks',
    'Covers correctness: reproducible jobs, data-quality checks, privacy exclusions and rerun capacity',
  ],
  rubric: [
    {
      id: 'requirements-scoping',
      title: 'Requirements & scoping',
      description:
        'A 4 fixes the stat list, eligibility, cutoff and rerun window before designing; a 1 starts with a MapReduce job without knowing what it outputs.',
    },
    {
      id: 'estimation',
      title: 'Estimation',
      description:
        'A 4 sizes events, storage, output and launch traffic and lets those numbers drive incremental processing; a 1 cannot say how much data a year is.',
    },
    {
      id: 'high-level-design',
      title: 'High-level design',
      description:
        'A 4 shows log → warehouse → batch DAG → KV store → API as distinct layers; a 1 computes recaps on request from raw events.',
    },
    {
      id: 'deep-dive-tradeoffs',
      title: 'Deep dive & trade-offs',
      description:
        'A 4 handles skew, top-N, percentiles and reruns concretely; a 1 says "run Spark" without describing the jobs.',
    },
    {
      id: 'scalability-reliability',
      title: 'Scalability & reliability',
      description:
        'A 4 prepares the serving path for the launch spike and has a fallback for late or failed batches; a 1 assumes launch day is ordinary traffic.',
    },
  ],
}

export const ROYALTY_PLAYS: Prompt = {
  id: 'royalty-play-tracking',
  title: 'Play tracking and royalty payouts',
  statement:
    'Design a system that records song plays and calculates royalty payouts to artists and rights holders. Every counted play moves money, so the numbers have to be exact and open to audit.',
  track: 'backend',
  difficulty: 'hard',
  tags: ['Event Sourcing', 'Exactly-once Processing', 'Databases', 'Financial Systems'],
  durationMinutes: 45,
  phases: [
    {
      id: 'clarify',
      title: 'Clarify requirements',
      minutes: 5,
      goals: ['What a qualifying play is, the payout model and audit needs'],
    },
    {
      id: 'estimate',
      title: 'Estimate scale',
      minutes: 5,
      goals: ['Event rate, monthly volume and retention cost'],
    },
    {
      id: 'high-level-design',
      title: 'High-level design',
      minutes: 13,
      goals: ['Client buffering, ingestion log, qualification, ledger and payout jobs'],
    },
    {
      id: 'deep-dive',
      title: 'Deep dive: correctness',
      minutes: 17,
      goals: ['Exactly-once effect end to end', 'Late plays, corrections and audit trails'],
    },
    {
      id: 'wrap-up',
      title: 'Wrap-up',
      minutes: 5,
      goals: ['Fraud filtering and reconciliation'],
    },
  ],
  clarifyingQuestions: [
    'What counts as a royalty-bearing play — for instance, at least 30 seconds of listening?',
    'Are payouts a pro-rata share of a revenue pool per market and tier, or a fixed rate per play?',
    'How late can plays arrive, for example from devices that were offline for weeks?',
    'Which kinds of artificial streaming must be filtered out, and when?',
    'Who audits the results, and what must they be able to reproduce?',
  ],
  requirements: {
    functional: [
      'Capture play events from every client, including plays made offline',
      'Decide which plays qualify and attribute them to tracks and rights holders per market and tier',
      'Compute monthly payouts and statements per rights holder',
      'Support disputes, adjustments and recomputation of past periods',
    ],
    nonFunctional: [
      'No double counting and no lost plays: effectively exactly-once',
      'Every payout line traceable to the events behind it',
      'Ingest ~500k events/s at peak (a start and an end event per play)',
      'Money handled in fixed-point decimals with immutable ledgers',
    ],
  },
  estimates: [
    {
      label: 'Play event rate',
      value: '~100k plays/s average, ~250k/s peak',
      reasoning:
        '~8.4B plays/day ÷ 86,400 s ≈ 100k/s; with a start and an end event per play, peak ingest is ~500k messages/s.',
    },
    {
      label: 'Plays per statement period',
      value: '~250B plays a month',
      reasoning: '8.4B/day × 30 ≈ 252B plays to qualify, attribute and aggregate every month.',
    },
    {
      label: 'Event retention',
      value: '~40 TB/month raw, kept for years',
      reasoning:
        '250B × ~150 bytes (ids, timestamps, ms played, market, tier, client info) ≈ 37 TB a month; compressed columnar copies are far smaller, but raw events stay immutable for audits.',
    },
  ],
  hints: [
    'Walk the path from the phone to the payout. Where can a play be duplicated or lost?',
    'Give every event a client-generated unique id and decide where deduplication happens.',
    'Exactly-once delivery is hard; an exactly-once effect is achievable. Which combination of mechanisms gets you there?',
    'Treat raw events as the source of truth and everything else as derived views you can recompute.',
    'Near-answer: clients buffer events durably and upload with unique ids; ingestion writes to a replicated log with acknowledgements from all replicas; a stream job deduplicates by event id within a window, applies qualification and fraud rules and appends qualified plays to a ledger partitioned by period; monthly jobs aggregate per rights holder, market and tier, compute pro-rata shares in fixed point, write double-entry payout records and reconcile counts between stages, with raw events retained for deterministic replays.',
  ],
  deepDives: [
    'A play from three weeks ago arrives after the monthly statement closed. How is it accounted for?',
    'A bug miscounted plays for a week and payouts already went out. How do you correct them?',
    'How would you detect artificial streaming, and when should filtered plays leave the revenue pool?',
    'Streaming qualification versus a daily batch: what does each give you for auditability?',
    'How do you prove to an external auditor that the payout for one track is right?',
  ],
  strongAnswer: [
    'Treats immutable raw events as the source of truth and derives everything else reproducibly',
    'Achieves exactly-once effect with unique ids, deduplication, transactional sinks and stage-by-stage reconciliation',
    'Defines qualification and period-close rules, including late offline plays and adjustments in later periods',
    'Computes payouts in fixed point in a double-entry ledger with versioned calculation rules',
    'Adds fraud filtering, data lineage and audit tooling',
  ],
  rubric: [
    {
      id: 'requirements-scoping',
      title: 'Requirements & scoping',
      description:
        'A 4 settles what a qualifying play is, the payout model and late-data rules before building; a 1 counts every event as a play.',
    },
    {
      id: 'data-model-apis',
      title: 'Data model & APIs',
      description:
        'A 4 defines event, qualified-play and ledger records with ids, periods and rule versions; a 1 keeps a mutable counter per track.',
    },
    {
      id: 'correctness',
      title: 'Correctness & exactly-once',
      description:
        'A 4 explains duplicates and losses at each hop and how idempotency, dedup and reconciliation remove them; a 1 claims the queue guarantees exactly-once.',
    },
    {
      id: 'scalability-reliability',
      title: 'Scalability & reliability',
      description:
        'A 4 partitions ingestion and aggregation and can replay a month deterministically; a 1 cannot recover from a bad deploy.',
    },
    {
      id: 'communication',
      title: 'Communication',
      description: 'A 4 can trace one play from tap to payout line on the board; a 1 leaves the money path implicit.',
    },
  ],
}
