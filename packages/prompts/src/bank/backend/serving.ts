import type { Prompt } from '../../schema.ts'

export const PROFILE_CACHE: Prompt = {
  id: 'user-profile-cache',
  title: 'Distributed cache for user profiles',
  statement:
    'Design a distributed cache in front of the user profile store. Explain how cached profiles stay correct when they change, and how you deal with keys that become extremely hot.',
  track: 'backend',
  difficulty: 'medium',
  tags: ['Caching', 'Consistent Hashing', 'Redis', 'Distributed Systems'],
  durationMinutes: 45,
  phases: [
    {
      id: 'clarify',
      title: 'Clarify requirements',
      minutes: 5,
      goals: ['Profile size, change rate and tolerated staleness'],
    },
    {
      id: 'estimate',
      title: 'Estimate scale',
      minutes: 5,
      goals: ['Working set, node count, read rate and miss load'],
    },
    {
      id: 'high-level-design',
      title: 'High-level design',
      minutes: 12,
      goals: ['Clients, cache cluster, database and change stream', 'Read and write paths'],
    },
    {
      id: 'deep-dive',
      title: 'Deep dive: invalidation and hot keys',
      minutes: 18,
      goals: ['Stale-set races and how to prevent them', 'Hot-key detection and mitigation, stampedes'],
    },
    {
      id: 'wrap-up',
      title: 'Wrap-up',
      minutes: 5,
      goals: ['Resharding, node failure and warm-up'],
    },
  ],
  clarifyingQuestions: [
    'What does a profile contain, how large is it and how often does it change?',
    'How stale may a cached profile be after an update, for the owner and for everyone else?',
    'What are the read and write rates, and how skewed are reads?',
    'Can the database survive a cold cache?',
    'Is the cache shared across regions or local to each?',
  ],
  requirements: {
    functional: [
      'Get and batch-get profiles by user id',
      'Invalidate or refresh cached entries when profiles change',
      'Serve very hot profiles without overloading single nodes',
      'Add or remove cache nodes without a storm of misses',
    ],
    nonFunctional: [
      'p99 reads under 5 ms inside the data center',
      'Hit ratio of 99% or more at steady state',
      'Read-your-writes for the user who edited the profile',
      'Node failures cause little extra database load',
    ],
  },
  estimates: [
    {
      label: 'Cache working set',
      value: '~1.3 TB, ~2.6 TB with replicas',
      reasoning: '650M profiles × ~2 KB ≈ 1.3 TB; one replica per shard doubles the RAM.',
    },
    {
      label: 'Cluster size',
      value: '~40 primaries plus replicas',
      reasoning:
        'At ~64 GB usable per node, 1.3 TB needs ~20 primaries; doubling for headroom and uneven load gives ~40.',
    },
    {
      label: 'Profile read load',
      value: '~1M reads/s average, ~3M peak',
      reasoning:
        'Many services look up profiles per request (app start, social features, sharing). Across ~40 primaries that is ~75k ops/s each at peak, within what one in-memory node handles.',
    },
    {
      label: 'Database load from misses',
      value: '~10–30k reads/s at 99% hits',
      reasoning:
        '1% of 1–3M reads/s reaches the database. A cold cache would send 100× that, which is why warm-up and rate limiting matter.',
    },
  ],
  hints: [
    'Start with cache-aside. Which race can leave a stale value in the cache indefinitely?',
    'Consider deleting on write instead of updating, and think about what a slow concurrent reader might put back.',
    'Versions or lease tokens can stop a slow reader from overwriting a fresher value.',
    'A key read a million times a second cannot live on one node. How can you spread or absorb those reads?',
    'Near-answer: cache-aside with delete-on-write driven by the database change stream, plus TTLs with jitter as a backstop; version-checked sets or leases against stale refills; consistent hashing (or hash slots) with virtual nodes; hot keys found by sampling and served from short-lived in-process caches or copied under several suffixed keys; single-flight coalescing of concurrent misses.',
  ],
  deepDives: [
    'How would you give the editing user read-your-writes without strong consistency everywhere?',
    'You add ten nodes. How many keys move, and how do you avoid a miss storm?',
    'How do you detect a hot key in real time?',
    'A cache node dies. What do clients do, and how is database load limited meanwhile?',
    'Would you cache "profile not found"? What are the risks?',
  ],
  strongAnswer: [
    'Sizes memory, node count and miss load from stated assumptions',
    'Chooses cache-aside with delete-on-write, change-stream invalidation and a TTL backstop, and explains the stale-set race',
    'Uses consistent hashing with virtual nodes or hash slots for rebalancing',
    'Handles hot keys (near caches, key replication) and stampedes (single-flight, early refresh)',
    'Plans for failure: replicas, failover, warm-up and rate-limited fallback to the database',
  ],
  rubric: [
    {
      id: 'estimation',
      title: 'Estimation',
      description:
        'A 4 computes working set, nodes, per-node load and miss traffic; a 1 says "add Redis" without sizing anything.',
    },
    {
      id: 'high-level-design',
      title: 'High-level design',
      description:
        'A 4 shows read and write paths including the change stream; a 1 only draws an app server next to a cache.',
    },
    {
      id: 'cache-consistency',
      title: 'Invalidation & consistency',
      description:
        'A 4 explains races between reads and writes and a concrete fix (versions, leases, delete-on-write); a 1 relies on TTL alone and cannot say how stale data gets.',
    },
    {
      id: 'scalability-reliability',
      title: 'Scalability & reliability',
      description:
        'A 4 covers resharding, hot keys, stampedes and node loss; a 1 assumes uniform load and no failures.',
    },
    {
      id: 'communication',
      title: 'Communication',
      description:
        'A 4 illustrates races with a step-by-step timeline; a 1 lists techniques without tying them to problems.',
    },
  ],
}

export const HOME_SERVING: Prompt = {
  id: 'home-recommendation-serving',
  title: 'Serving the personalized Home screen',
  statement:
    "Design the serving layer for Spotify's Home screen recommendations. The models exist already; how do you deliver fresh, personalized content to more than 500M users quickly and efficiently?",
  track: 'backend',
  difficulty: 'hard',
  tags: ['Machine Learning Serving', 'Microservices', 'Caching', 'Load Balancing'],
  durationMinutes: 45,
  phases: [
    {
      id: 'clarify',
      title: 'Clarify requirements',
      minutes: 5,
      goals: ['Page shape, freshness, latency budget and inference cost'],
    },
    {
      id: 'estimate',
      title: 'Estimate scale',
      minutes: 5,
      goals: ['Request rate, candidate storage and scoring volume'],
    },
    {
      id: 'high-level-design',
      title: 'High-level design',
      minutes: 15,
      goals: [
        'Aggregator, shelf providers, candidate store, feature store, model servers',
        'Offline versus online work',
      ],
    },
    {
      id: 'deep-dive',
      title: 'Deep dive: latency and cost',
      minutes: 15,
      goals: ['Fan-out with deadlines and fallbacks', 'Caching layers and batched inference'],
    },
    {
      id: 'wrap-up',
      title: 'Wrap-up',
      minutes: 5,
      goals: ['Model rollout, cold start and observability'],
    },
  ],
  clarifyingQuestions: [
    'What is on the Home screen: how many shelves, and how many items per shelf?',
    'How fresh must it be: daily, or reacting to what I played five minutes ago?',
    'What latency budget does the Home API have?',
    'How expensive is model inference, and does it run on CPUs or GPUs?',
    'What does a brand-new user see?',
  ],
  requirements: {
    functional: [
      'Return an ordered list of shelves with items for a user, device and moment',
      'Blend precomputed recommendations with real-time context such as recent plays and time of day',
      'Apply rules: availability, explicit filter, no duplicates across shelves',
      'Fall back to sensible content when personalization is unavailable',
    ],
    nonFunctional: [
      'p99 under ~300 ms for the Home response',
      '~50k requests/s at peak, with graceful degradation beyond',
      'Cost-efficient inference',
      'Shelf providers and models deploy independently',
    ],
  },
  estimates: [
    {
      label: 'Home request rate',
      value: '~14k/s average, ~50k/s peak',
      reasoning:
        '300M daily users × ~4 Home loads ≈ 1.2B/day ≈ 14k/s; morning and evening peaks in large markets reach ~50k/s.',
    },
    {
      label: 'Precomputed candidate store',
      value: '~5 TB',
      reasoning: '~500M users × ~10 KB of candidate ids and scores ≈ 5 TB in a wide-column or KV store.',
    },
    {
      label: 'Online scoring volume',
      value: '~75M item scores/s at peak',
      reasoning:
        '~15 shelves × ~100 candidates ≈ 1,500 scores per request × 50k requests/s; the online model must be light and batched.',
    },
  ],
  hints: [
    'Which parts of Home must be computed at request time, and which could be prepared hours earlier?',
    'Consider two tiers: heavy models offline produce candidates, a light model online orders them with fresh context.',
    'Home fans out to many shelf providers. What happens when one of them is slow?',
    'Cache at several levels: whole responses briefly, non-personalized shelves per market, features in memory.',
    'Near-answer: a Home aggregator reads precomputed per-user candidates from a KV store, calls shelf providers in parallel with strict deadlines, fetches real-time features (recent plays from a stream-updated store), ranks shelves and items with a light batched model on a dedicated inference tier, applies rules and de-duplication, caches the response briefly per user and falls back to cached or market-popular shelves on timeouts.',
  ],
  deepDives: [
    'How do you roll out a new ranking model safely to 500M users?',
    'The feature store is slow. What does the user see?',
    'How do you keep precomputed candidates from going stale for very active users?',
    'How would you batch inference requests and size the model-serving fleet?',
    'What does Home look like for someone who signed up a minute ago?',
  ],
  strongAnswer: [
    'Splits offline candidate generation from online ranking with real-time context',
    'Designs the aggregator with parallel fan-out, deadlines, hedged requests and fallbacks',
    'Sizes request rate, storage and inference load, and batches model calls',
    'Uses layered caching and precomputation to control cost and latency',
    'Covers cold start, safe model rollout (shadow, canary, A/B) and observability',
  ],
  rubric: [
    {
      id: 'requirements-scoping',
      title: 'Requirements & scoping',
      description:
        'A 4 settles page shape, freshness and latency budget before designing; a 1 designs a model instead of a serving layer.',
    },
    {
      id: 'estimation',
      title: 'Estimation',
      description:
        'A 4 sizes requests, candidate storage and scoring volume and draws conclusions from them; a 1 provides no numbers.',
    },
    {
      id: 'high-level-design',
      title: 'High-level design',
      description:
        'A 4 shows aggregator, providers, stores and inference tier with offline and online paths; a 1 calls one giant model per request.',
    },
    {
      id: 'deep-dive-tradeoffs',
      title: 'Deep dive & trade-offs',
      description: 'A 4 weighs freshness against cost and explains fallbacks and batching; a 1 ignores tail latency.',
    },
    {
      id: 'scalability-reliability',
      title: 'Scalability & reliability',
      description:
        'A 4 covers load balancing of model servers, degradation and safe rollouts; a 1 lets one slow dependency fail the whole page.',
    },
  ],
}
