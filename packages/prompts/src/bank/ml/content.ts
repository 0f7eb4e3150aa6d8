import type { Prompt } from '../../schema.ts'

export const TYPO_AUTOCOMPLETE: Prompt = {
  id: 'typo-tolerant-autocomplete',
  title: 'Typo-tolerant search autocomplete',
  statement:
    'Design search autocomplete for Spotify that responds instantly on every keystroke and still finds the intended artist, track or album when the user misspells it.',
  track: 'ml',
  difficulty: 'hard',
  tags: ['Search', 'Tries', 'Distributed Systems', 'Caching'],
  durationMinutes: 45,
  phases: [
    {
      id: 'frame',
      title: 'Frame the problem and metrics',
      minutes: 5,
      goals: ['Latency per keystroke, typo tolerance, languages', 'Success metrics for suggestions'],
    },
    {
      id: 'data-and-scale',
      title: 'Data and scale',
      minutes: 5,
      goals: ['Request rate, fuzzy expansion cost, correction data from logs'],
    },
    {
      id: 'system-design',
      title: 'System design',
      minutes: 15,
      goals: ['Normalization, exact and fuzzy retrieval, ranking, caching', 'Latency budget per stage'],
    },
    {
      id: 'modeling',
      title: 'Deep dive: fuzzy retrieval and ranking',
      minutes: 12,
      goals: ['Efficient edit-distance search and learned corrections', 'Learning-to-rank features and position bias'],
    },
    {
      id: 'evaluation',
      title: 'Evaluation and wrap-up',
      minutes: 8,
      goals: ['Offline and online metrics, rollout'],
    },
  ],
  clarifyingQuestions: [
    'What latency do we target per keystroke, and at which percentile?',
    'How many typos should we forgive, and from which prefix length?',
    'Which languages and scripts matter — do we need transliteration, e.g. Cyrillic or Hangul names typed in Latin letters?',
    'Are suggestions personalized?',
    'How is success measured: clicks, plays after search, keystrokes saved?',
  ],
  requirements: {
    functional: [
      'Suggest entities for partial, misspelled or transliterated input',
      'Rank by match quality, popularity and personal affinity',
      'Learn corrections from how users reformulate their queries',
      'Reflect trending content and new releases',
    ],
    nonFunctional: [
      'Server-side p99 under ~50 ms per keystroke',
      '~200k requests/s at peak',
      'Fuzzy matching must not flood results with irrelevant names',
      'Models are retrained and rolled out safely',
    ],
  },
  estimates: [
    {
      label: 'Suggest request rate',
      value: '~200k/s at peak',
      reasoning:
        '300M daily users × ~3 searches × ~6 debounced requests ≈ 5.4B/day ≈ 62k/s on average, about 3× at peak.',
    },
    {
      label: 'Naive edit-distance-1 variants of an 8-letter prefix',
      value: '~450 variants per keystroke',
      reasoning:
        '8 deletions + 8 × 25 substitutions + 9 × 26 insertions + 7 transpositions ≈ 450 lookups. Too many per keystroke at this rate, which motivates Levenshtein automata or a precomputed deletion index needing only ~8 lookups.',
    },
    {
      label: 'Correction pairs mined from logs',
      value: '~1B raw reformulations a month',
      reasoning:
        '~900M searches a day × 30 ≈ 27B a month; if ~4% are quickly retyped into a query that leads to a play, that is ~1B pairs, aggregating to tens of millions of distinct corrections.',
    },
    {
      label: 'Ranking budget',
      value: '~10–20 ms for ~200 candidates',
      reasoning:
        'Out of ~50 ms, retrieval takes ~15 ms and network plus serialization ~15 ms, leaving ~10–20 ms for a small gradient-boosted or linear ranker.',
    },
  ],
  hints: [
    'Split the work into stages: retrieve candidates that might match despite typos, then rank them.',
    'Enumerating every misspelling is expensive. Can you index misspellings (or deletions) ahead of time instead?',
    'Not every error is a keyboard slip: artist names are often spelled by ear or without accents.',
    'Users correct themselves all the time. What can query logs teach you?',
    'Near-answer: normalize (case, diacritics, transliteration); retrieve from an exact prefix trie plus a fuzzy index (Levenshtein automaton over an FST, or a symmetric-deletion dictionary) with an edit budget that grows with prefix length, phonetic keys, and a correction table mined from reformulations; merge and rank with a learning-to-rank model on match quality, edit distance, popularity, trend and personal affinity; measure MRR and search-to-play success, and A/B test changes.',
  ],
  deepDives: [
    'How do you keep an obscure near-exact match from outranking the hugely popular artist the user meant?',
    'How would you mine spelling corrections from logs without learning bad ones?',
    'How do you train a ranker when users can only click what you showed them?',
    'How would you support a Latin-alphabet query for an artist whose name is written in another script?',
  ],
  strongAnswer: [
    'Uses retrieval-then-ranking that fits a per-stage latency budget',
    'Chooses efficient fuzzy retrieval (automata or deletion index) with length-dependent edit budgets',
    'Adds normalization, phonetic and transliteration handling, and log-mined corrections',
    'Trains a ranker with sensible features and corrects for position bias',
    'Measures MRR, keystrokes saved, zero-result rate and search-to-play conversion',
  ],
  rubric: [
    {
      id: 'problem-framing',
      title: 'Problem framing & metrics',
      description:
        'A 4 defines typo tolerance, languages and success metrics up front; a 1 treats it as exact prefix matching.',
    },
    {
      id: 'data-features',
      title: 'Data & features',
      description:
        'A 4 mines query logs for corrections and builds ranking features carefully; a 1 has no source of training data.',
    },
    {
      id: 'modeling',
      title: 'Fuzzy matching & ranking',
      description:
        'A 4 explains an efficient fuzzy index and a learned ranker that prefers intended popular results; a 1 computes edit distance against every name.',
    },
    {
      id: 'serving-latency',
      title: 'Latency & serving',
      description:
        'A 4 fits the pipeline into a per-stage budget with caching and replication; a 1 ignores the keystroke latency.',
    },
    {
      id: 'evaluation',
      title: 'Evaluation',
      description: 'A 4 uses MRR, zero-result rate and search-to-play with online tests; a 1 relies on anecdotes.',
    },
  ],
}

export const COPYRIGHT_DETECTION: Prompt = {
  id: 'podcast-copyright-detection',
  title: 'Near-real-time copyright detection for podcast uploads',
  statement:
    'Design a system that detects copyright infringement in newly uploaded podcast episodes in near real time — for example, commercial music played in an episode without a license.',
  track: 'ml',
  difficulty: 'hard',
  tags: ['Audio Processing', 'Streaming Architecture', 'Hashing'],
  durationMinutes: 45,
  phases: [
    {
      id: 'frame',
      title: 'Frame the problem and metrics',
      minutes: 5,
      goals: ['What counts as infringement, allowed uses, actions and deadlines'],
    },
    {
      id: 'data-and-scale',
      title: 'Data and scale',
      minutes: 5,
      goals: ['Upload volume, reference index size, lookup rate'],
    },
    {
      id: 'system-design',
      title: 'System design',
      minutes: 15,
      goals: ['Upload → fingerprint → match → decision pipeline', 'Reference index sharding and updates'],
    },
    {
      id: 'modeling',
      title: 'Deep dive: matching',
      minutes: 12,
      goals: ['Robust fingerprints and time-offset alignment', 'Covers and heavily altered audio'],
    },
    {
      id: 'evaluation',
      title: 'Evaluation and wrap-up',
      minutes: 8,
      goals: ['Precision and recall targets, review queue, appeals'],
    },
  ],
  clarifyingQuestions: [
    'What counts as infringement: any protected music, or only beyond some length? Which uses are licensed?',
    'Does "near real time" mean before publishing, or within minutes after?',
    'What actions follow a match: block, mute the segment, or send to human review?',
    'How large is the reference catalog of protected audio?',
    "Must we also catch re-uploads of other creators' podcasts?",
  ],
  requirements: {
    functional: [
      'Fingerprint every upload and match it against a catalog of protected audio',
      'Report matched segments with offsets and confidence',
      'Route results: allow, block or mute automatically, or queue for review',
      'Support allowlists for licensed material, and appeals',
    ],
    nonFunctional: [
      'Decision within a few minutes after the upload completes',
      'Robust to voice-over, compression, pitch and tempo changes',
      'High precision for automatic actions; higher recall acceptable for review',
      'Keeps up with bursts of uploads',
    ],
  },
  estimates: [
    {
      label: 'Upload volume',
      value: '~100k episodes/day ≈ 75k hours of audio',
      reasoning: '100k episodes × 45 min ≈ 4.5M minutes ≈ 75k hours a day, arriving at ~1.2 episodes/s with bursts.',
    },
    {
      label: 'Reference fingerprint index',
      value: '~2 TB of hashes',
      reasoning:
        '100M tracks × ~210 s × ~10 landmark hashes/s ≈ 210B hashes × ~10 bytes (hash, track id, offset) ≈ 2 TB, sharded by hash across memory- or SSD-backed nodes.',
    },
    {
      label: 'Hash lookups',
      value: '~31k lookups/s on average',
      reasoning: 'A 45-minute episode yields ~2,700 s × 10 ≈ 27k hashes; × 100k episodes ≈ 2.7B lookups/day.',
    },
    {
      label: 'Fingerprinting compute',
      value: '~16 cores on average, more for bursts',
      reasoning:
        '75k audio hours a day ≈ 3,100 hours per wall-clock hour; at ~200× real time per core that is ~16 cores. Embedding models for covers cost considerably more.',
    },
  ],
  hints: [
    'How would you recognize a song even when someone is talking over it?',
    'Consider fingerprints built from pairs of spectrogram peaks, hashed together with the time gap between them.',
    'One matching hash proves nothing. What pattern across many hashes indicates a real match?',
    'Uploads arrive continuously. Can matching start before the whole file is processed?',
    'Near-answer: on upload, a streaming job decodes audio in windows, computes landmark hashes and looks them up in a sharded reference index; for each candidate track it histograms (reference offset − query offset) and declares a match when enough hashes align within a window; matches merge into segments, are checked against licenses and allowlists, and are routed by confidence and duration to automatic action or review; an audio-embedding model catches covers and heavily altered audio as a second stage.',
  ],
  deepDives: [
    'Quiet background music under speech: how do you keep recall without flooding reviewers?',
    'How do you detect covers or re-recordings that share no identical audio?',
    'How do you add a million new releases to the reference index without downtime?',
    'What precision would you require before muting automatically, and how would you measure it?',
    'A creator appeals a false positive. What happens?',
  ],
  strongAnswer: [
    'Uses robust landmark fingerprints with time-offset alignment to confirm matches',
    'Processes uploads incrementally in a streaming pipeline with a bounded decision time',
    'Sizes and shards the reference index and plans how it is updated',
    'Separates high-precision automatic actions from a review queue, with licenses and appeals',
    'Adds learned embeddings for covers and measures precision and recall on labeled sets',
  ],
  rubric: [
    {
      id: 'problem-framing',
      title: 'Problem framing & metrics',
      description:
        'A 4 defines infringement, allowed uses, actions and the cost of each error type; a 1 flags anything that sounds like music.',
    },
    {
      id: 'modeling',
      title: 'Detection method',
      description:
        'A 4 explains robust fingerprints, alignment and a second stage for covers; a 1 compares raw audio bytes or file hashes.',
    },
    {
      id: 'streaming-architecture',
      title: 'Streaming architecture',
      description:
        'A 4 designs an incremental pipeline with a sharded index, bounded latency and backpressure; a 1 runs a nightly batch.',
    },
    {
      id: 'evaluation',
      title: 'Evaluation',
      description:
        'A 4 sets precision and recall targets per action and measures them on labeled data; a 1 has no notion of false positives.',
    },
    {
      id: 'communication',
      title: 'Communication',
      description:
        'A 4 explains the fingerprint idea with a simple spectrogram sketch; a 1 leaves the matching step a black box.',
    },
  ],
}
