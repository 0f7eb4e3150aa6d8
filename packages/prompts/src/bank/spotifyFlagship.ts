import type { Prompt } from '../schema.ts'

/**
 * The flagship session: a 60-minute, end-to-end design of a Spotify-like music streaming
 * platform. Its `topics` are the eight architecture areas the interviewer's guidance draws on.
 */
export const SPOTIFY_FLAGSHIP: Prompt = {
  id: 'design-spotify',
  title: 'Design Spotify: a global music streaming platform',
  statement:
    'Design a music streaming service in the spirit of Spotify. Listeners all over the world should be able to find any song in a catalog of about a hundred million tracks, hear it almost as soon as they press play, keep listening on shaky networks and across their devices, and get playlists and recommendations that feel made for them. Labels and artists deliver new music every day. Focus on low-latency playback and on how the system scales; we will go deeper into a few areas together.',
  track: 'backend',
  difficulty: 'hard',
  tags: ['Streaming', 'CDN', 'Caching', 'Recommendation Systems', 'Search', 'Distributed Systems', 'Multi-region'],
  durationMinutes: 60,
  phases: [
    {
      id: 'clarify-requirements',
      title: 'Clarify requirements and scope',
      minutes: 7,
      goals: [
        'Pin down the core journeys: play, search, playlists, recommendations, multi-device control, offline',
        'Agree on what is out of scope for this hour (payments, social features, video)',
        'State latency, availability and audio-quality targets explicitly',
      ],
    },
    {
      id: 'estimate-scale',
      title: 'Estimate scale',
      minutes: 6,
      goals: [
        'Derive concurrent listeners, stream starts per second and peak egress',
        'Size catalog storage across the bitrate ladder and the edge working set',
        'Carry the numbers forward to justify CDN and caching decisions',
      ],
    },
    {
      id: 'high-level-design',
      title: 'High-level architecture',
      minutes: 15,
      goals: [
        'Draw the path from label delivery through ingestion, encoding and storage to the CDN and the player',
        'Separate the playback hot path from metadata, personalization and analytics',
        'Name the key APIs and the main data stores',
      ],
    },
    {
      id: 'deep-dive-playback',
      title: 'Deep dive: playback and delivery',
      minutes: 12,
      goals: [
        'Explain how the first seconds of audio arrive fast and how buffering adapts to the network',
        'Reason about the cache hierarchy and the storage-versus-caching cost trade-off',
        'Cover device handoff and the control channel behind it',
      ],
    },
    {
      id: 'deep-dive-personalization',
      title: 'Deep dive: search, playlists and recommendations',
      minutes: 10,
      goals: [
        'Outline search indexing and autocomplete ranking',
        'Handle concurrent edits to collaborative playlists',
        'Describe the candidate retrieval and ranking pipeline and how fresh it is',
      ],
    },
    {
      id: 'reliability-wrap-up',
      title: 'Reliability, offline and wrap-up',
      minutes: 10,
      goals: [
        'Discuss multi-region routing and failover, and which data needs which consistency',
        'Cover offline downloads and how licensing is enforced without a network',
        'Summarize the main trade-offs and what to build next',
      ],
    },
  ],
  clarifyingQuestions: [
    'Which clients must we support (phones, desktop, web, smart speakers, cars), and do they share audio formats?',
    'How many monthly and daily listeners should we plan for, and in how many countries?',
    'What quality tiers exist, and how does the free tier differ from premium (ads, skips, offline)?',
    'Are podcasts and audiobooks in scope, or music only?',
    'What is the target time from pressing play to hearing sound, and how much stalling is tolerable?',
    'Should recommendations and collaborative playlists be designed here, or treated as black boxes?',
    "Does licensing differ by country, so a track's availability depends on the listener's market?",
  ],
  requirements: {
    functional: [
      'Labels, distributors and independent artists deliver audio and metadata; tracks become playable after processing, on their release date',
      'Listeners search tracks, artists, albums and playlists, with suggestions while typing',
      'Listeners stream any track available in their market, with seek, skip, queue and gapless transitions',
      'Listeners create, edit and share playlists, including collaborative ones edited by several people',
      'A personalized home screen and weekly discovery playlists',
      'Control playback on one device from another (a phone driving a speaker)',
      'Premium listeners download music for offline listening',
    ],
    nonFunctional: [
      'Tap-to-sound around 200 ms at the median and under 500 ms at p95 on a reasonable connection',
      'Stalls below 1% of listening time; quality drops before playback stops',
      'Playback available 99.95% or better and survives the loss of a whole region',
      'Catalog audio is never lost: durable object storage with copies in several regions',
      'Scales to tens of millions of concurrent listeners and to release-night spikes',
      'Per-market licensing and DRM enforced, including on offline copies',
      "Playlist and library changes reach the user's other devices within seconds",
    ],
  },
  estimates: [
    {
      label: 'Stream starts per second',
      value: '≈ 100k/s on average, ~250k/s at the evening peak',
      reasoning:
        'Assume 650M monthly and 300M daily listeners. At ~100 minutes a day and ~3.5 minutes per track, a daily listener plays ~28 tracks: 300M × 28 ≈ 8.4B plays/day ÷ 86,400 s ≈ 100k/s, with peaks about 2.5× the mean.',
    },
    {
      label: 'Concurrent listeners and peak egress',
      value: '≈ 21M listening on average, ~40M at peak, ~6.4 Tbps',
      reasoning:
        '300M × 100 min ÷ 1,440 min ≈ 21M people listening at any moment; roughly double that at peak. At a blended 160 kbps, 40M × 160 kbps ≈ 6.4 Tbps, which only a CDN can carry; origin must see cache misses only.',
    },
    {
      label: 'Encoded catalog storage',
      value: '≈ 1.6 PB of renditions plus ~2.5 PB of lossless masters',
      reasoning:
        'An average track lasts ~210 s. A ladder of 24, 96, 160 and 320 kbps adds up to ~600 kbps ≈ 75 KB/s, so ~16 MB per track; × 100M tracks ≈ 1.6 PB. Masters near 900 kbps add ~25 MB each ≈ 2.5 PB. Erasure coding or cross-region copies multiply the raw total by 1.5–3×.',
    },
    {
      label: 'Edge cache working set',
      value: 'A few TB per point of presence serves most plays',
      reasoning:
        'Listening is heavily skewed: the most popular ~1M tracks carry the bulk of plays. 1M × ~4 MB (the 160 kbps rendition) ≈ 4 TB fits on a handful of edge servers, so hit ratios above 90% are realistic; the long tail comes from a regional tier or origin.',
    },
    {
      label: 'Catalog metadata footprint',
      value: '≈ 200 GB',
      reasoning:
        '100M tracks × ~2 KB (titles, credits, ISRC, market availability, rendition pointers) ≈ 200 GB: small enough to replicate to every region and cache aggressively.',
    },
    {
      label: 'Playlist storage',
      value: '≈ 10 TB before replication',
      reasoning:
        'Assume ~4B playlists averaging ~60 entries of ~40 bytes each (entry id, track id, added-by, added-at, order key): 4B × 60 × 40 B ≈ 9.6 TB. Read far more often than written.',
    },
  ],
  hints: [
    'Start from what a listener notices: how long after tapping play until sound comes out, and whether it ever stops. Which components sit on that path?',
    'Encoded audio never changes once produced. What does that let you do with caching, all the way to the edge and onto the device?',
    'Consider splitting each rendition into small chunks and think about what the player fetches first: a manifest, a short first chunk at a safe bitrate, then larger chunks as the buffer fills.',
    'Playback does not need recommendations, playlists or analytics to be healthy. Keep the hot path to an entitlement check, a signed manifest and the CDN, and let the rest fail independently.',
    'Think about the week of a superstar release: ingest early under embargo, pre-warm edge caches, and expect search and metadata traffic spikes along with audio.',
    'Near-answer: ingest → validate metadata and rights → normalize loudness and encode a bitrate ladder → object storage copied across regions → tiered CDN. The client gets a signed manifest, plays a small low-bitrate first chunk, adapts bitrate to throughput, prefetches the next track and caches locally. Listening events go through a durable log into recommendation, search-ranking and royalty pipelines; a control channel over WebSockets relays device commands.',
  ],
  deepDives: [
    'How would you get time-to-first-audio near 200 ms at the median? Walk through every round trip between the tap and the first sound.',
    'A global superstar drops an album at midnight. What happens to the CDN, origin, search and metadata services, and how do you prepare?',
    'What do you keep in edge caches versus fetch from origin, and what does that trade-off cost in storage versus egress?',
    'A phone controls playback on a smart speaker. How are commands delivered and ordered, and what happens if the phone goes offline?',
    'Two collaborators reorder the same playlist at the same moment. What does each of them see afterwards?',
    'Weekly discovery playlists for hundreds of millions of people: batch or real time, and how do you treat brand-new listeners and brand-new tracks?',
    'A whole region goes dark. Which features keep working for its users, and what state could be lost?',
    'How do offline downloads stay licensed when a device has been disconnected for weeks?',
  ],
  strongAnswer: [
    'Scopes with concrete numbers (plays per second, concurrent listeners, peak egress, catalog size) and uses them to justify a CDN-first delivery design',
    'Separates the ingestion pipeline (validate, normalize, encode a bitrate ladder, cut previews, store) from the read-heavy playback path',
    'Streams immutable, chunked audio through tiered caches with adaptive bitrate, next-track prefetch and an on-device cache',
    'Keeps the playback hot path minimal and isolated, so personalization, search and analytics can fail without silencing music',
    'Explains search as an inverted index plus a prefix layer ranked by popularity, and playlists as stable item ids with ordered, server-sequenced edits',
    'Describes a two-stage recommendation pipeline (embedding-based retrieval, then ranking) fed by a listening-event log, with cold-start strategies',
    'Covers offline playback with encrypted downloads, device-bound keys, device limits and periodic license renewal',
    'Plans multi-region operation: proximity routing, replicated catalog metadata, user state with a failover story, and explicit statements of what is eventually consistent',
  ],
  rubric: [
    {
      id: 'requirements-scoping',
      title: 'Requirements & scoping',
      description:
        'A 4 turns the open brief into prioritized journeys with explicit latency, availability and licensing targets and names what is out of scope; a 1 starts drawing boxes without knowing who the users are or what matters to them.',
    },
    {
      id: 'estimation',
      title: 'Estimation',
      description:
        'A 4 derives plays per second, concurrency, peak egress and storage from stated assumptions and lets them drive decisions; a 1 skips numbers or is off by orders of magnitude without noticing.',
    },
    {
      id: 'high-level-design',
      title: 'High-level design',
      description:
        'A 4 shows a coherent flow from label delivery to the speaker with a clean split between the playback hot path and background systems; a 1 serves audio from one monolithic service and database.',
    },
    {
      id: 'deep-dive-tradeoffs',
      title: 'Deep dive & trade-offs',
      description:
        'A 4 goes deep on at least two areas (startup latency and cache economics, playlist concurrency, recommendation freshness) and names what each choice costs; a 1 stays at the level of buzzwords.',
    },
    {
      id: 'scalability-reliability',
      title: 'Scalability & reliability',
      description:
        'A 4 handles release-night spikes, hot tracks, regional outages and long-offline devices with concrete mechanisms; a 1 assumes everything scales by adding servers.',
    },
    {
      id: 'communication',
      title: 'Communication',
      description:
        'A 4 keeps a readable diagram, explains decisions before making them and paces the hour so the deep dives happen; a 1 loses the thread or never gets past the first boxes.',
    },
  ],
  topics: [
    {
      title: 'Audio ingestion and encoding',
      notes: [
        'Deliveries come from labels, distributors and independent artists as high-quality masters plus metadata. Identifiers (ISRC, UPC), artist and album links and territory rights are validated before anything is published, because search, recommendations and licensing all depend on them.',
        'The pipeline normalizes loudness, encodes a ladder of bitrates per codec, cuts preview clips and writes the results to object storage. It should be an idempotent, retryable workflow keyed by delivery, so a crash never publishes half an album.',
        'Good candidates mention release-date embargoes (processed early, hidden until the release moment), release-night bursts, and how corrected metadata flows back into search and recommendation indexes.',
      ],
    },
    {
      title: 'Audio storage and CDN distribution',
      notes: [
        'Masters and encoded files live in durable object storage with copies in several regions; because encoded files are immutable, content-addressed names make caching and invalidation trivial.',
        'CDN routing sends listeners to a nearby edge. Popular tracks are served entirely from edge caches, the long tail from a regional mid-tier, and origin only sees misses; mid-tiers should coalesce concurrent misses for the same object.',
        'Probe the cost trade-off: more renditions and deeper caches cost storage, misses cost egress and latency. Strong candidates relate hit ratio to working-set size and consider several CDN providers.',
      ],
    },
    {
      title: 'Playback and device sync',
      notes: [
        'Audio is fetched in chunks so sound starts after the first short piece arrives; the player adapts bitrate to measured throughput and buffer level and prefetches the next track near the end of the current one.',
        'A session manager tracks the active playback session per user. A Connect-style control channel (persistent WebSocket or lightweight pub/sub) carries commands between the controlling device and the device producing sound.',
        'Ask how commands stay ordered and idempotent (versioned session state), how the active device is chosen, and what happens when the controller disconnects mid-song.',
      ],
    },
    {
      title: 'Personalized recommendations',
      notes: [
        'Collaborative filtering learns from co-listening and playlist co-occurrence; content-based features from the audio itself help new tracks nobody has played yet.',
        'Expect a multi-stage pipeline: user and track embeddings, candidate retrieval with approximate nearest neighbours, a ranking model, then rules for diversity and availability.',
        'Weekly playlists suit a batch job; home shelves blend precomputed candidates with real-time context. Ask about cold start for new users and tracks, and about mixing editorial picks with algorithmic ones.',
      ],
    },
    {
      title: 'Search and catalog indexing',
      notes: [
        'An inverted index over track, artist, album and playlist metadata answers keyword queries; a separate prefix structure serves suggestions as the user types.',
        'Ranking blends text match with popularity and personal affinity so the official artist beats a similarly named tribute act; typo tolerance, diacritics and transliteration matter for a global catalog.',
        'Check how catalog changes reach the index (a change stream from the metadata store) and how fast a new release becomes findable.',
      ],
    },
    {
      title: 'Playlists and collaboration',
      notes: [
        'Playlists are small ordered lists that are read far more than written, yet several people may edit a collaborative one at the same time.',
        'Strong designs reference entries by stable ids rather than positions, order concurrent operations through one sequencer per playlist (or use a list CRDT), and push changes to clients that have the playlist open.',
        'Playlist plays, follows and shares are also signals for recommendations and for creator analytics.',
      ],
    },
    {
      title: 'Offline playback',
      notes: [
        'Downloaded audio is stored encrypted; keys are bound to the device and account and are never stored in the clear.',
        'The service enforces a cap on devices with downloads and requires the app to come online periodically (for example within 30 days) to renew licenses, otherwise downloads stop playing.',
        'A background sync keeps downloaded playlists current and uploads plays made offline, so royalties and recommendations still count them.',
      ],
    },
    {
      title: 'Multi-region reliability',
      notes: [
        'Global load balancing (anycast or latency-based DNS) steers users to the nearest healthy region; failover is only real if it is exercised regularly.',
        'Catalog metadata is read-mostly and can be replicated everywhere; user state such as playlists and libraries needs a home region or a multi-region database, with an honest statement of what is eventually consistent.',
        'Isolate failures with cells and bulkheads so one region or dependency cannot silence playback globally, and define recovery point and recovery time objectives for disaster recovery.',
      ],
    },
  ],
}
