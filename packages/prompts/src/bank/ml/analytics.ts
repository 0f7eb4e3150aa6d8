import type { Prompt } from '../../schema.ts'

export const ARTIST_CHARTS: Prompt = {
  id: 'weekly-artist-charts',
  title: 'Weekly Top 50 artist charts, global and per country',
  statement:
    'Design a scalable system that computes and updates weekly Top 50 artist charts, both globally and for every country.',
  track: 'ml',
  difficulty: 'medium',
  tags: ['Data Engineering', 'Stream Processing', 'Aggregation'],
  durationMinutes: 45,
  phases: [
    {
      id: 'frame',
      title: 'Clarify chart rules',
      minutes: 6,
      goals: ['What counts, the chart week, credits and late data'],
    },
    {
      id: 'data-and-scale',
      title: 'Data and scale',
      minutes: 5,
      goals: ['Event rate and aggregation state'],
    },
    {
      id: 'system-design',
      title: 'Pipeline design',
      minutes: 15,
      goals: ['Stream filtering and daily counts, weekly batch, publication', 'Live provisional view'],
    },
    {
      id: 'deep-dive',
      title: 'Deep dive: correctness',
      minutes: 12,
      goals: ['Global versus national top lists, late data, fraud', 'Exact versus approximate counting'],
    },
    {
      id: 'wrap-up',
      title: 'Wrap-up',
      minutes: 7,
      goals: ['Serving, versioning and monitoring'],
    },
  ],
  clarifyingQuestions: [
    'What counts toward a chart: every play, or only plays above a minimum duration, capped per listener?',
    'When does the chart week start and end, and when must the chart be published?',
    'Do featured artists on a track receive credit?',
    'Do we need a live trending view during the week as well as the official chart?',
    'What happens with plays that arrive late from offline devices?',
  ],
  requirements: {
    functional: [
      'Count qualifying plays per artist per country and globally for each chart week',
      'Publish official weekly Top 50 per country and global, with previous rank and weeks on chart',
      'Offer a provisional live view during the week',
      'Exclude suspected artificial streams before publishing',
    ],
    nonFunctional: [
      'Official charts published within hours of the week closing',
      'Correct and reproducible; published charts are immutable versions',
      'Keeps up with ~250k play events/s at peak',
      'Cheap reads through caches or a CDN',
    ],
  },
  estimates: [
    {
      label: 'Play event rate',
      value: '~100k/s average, ~250k/s peak',
      reasoning: '~8.4B plays/day ÷ 86,400 s ≈ 100k/s, with evening peaks ~2.5× higher.',
    },
    {
      label: 'Daily aggregation state',
      value: '~180M (country, artist) counters ≈ 3 GB',
      reasoning:
        'Per market, up to ~1M artists get a play on a given day; ~180 markets × ~1M ≈ 180M counters × ~16 bytes ≈ 3 GB.',
    },
    {
      label: 'Weekly play volume',
      value: '~60B plays per chart week',
      reasoning: '8.4B/day × 7 ≈ 59B plays to filter and count per chart.',
    },
  ],
  hints: [
    'Do you need to keep every play, or only counts? Keyed by what?',
    'Consider per-day counts per (country, artist) that can be summed into any week.',
    'Careful: the global Top 50 is not the merge of the national Top 50s. Why not?',
    'Official numbers and a live view need different accuracy. Could they use different techniques?',
    'Near-answer: a stream job filters and deduplicates plays (duration threshold, per-listener caps, fraud scores), keys them by (day, country, artist) and upserts daily counts; after the week closes plus a grace period, a batch job sums seven days per country and globally (summing per artist before ranking), takes the Top 50 with a heap, joins previous weeks for movement and publishes a versioned snapshot to a cached store; the live view uses heavy-hitter sketches refreshed every few minutes.',
  ],
  deepDives: [
    'Late offline plays arrive after publication. Do you revise the chart?',
    'How would you detect and exclude coordinated streaming farms?',
    'How do you credit plays of a track with three credited artists?',
    'Exact counts versus Count-Min Sketch or Space-Saving for the live view: what error bounds do you get?',
  ],
  strongAnswer: [
    'Defines qualification, deduplication and artist-credit rules up front',
    'Aggregates incrementally with daily (country, artist) counts summed per week',
    'Computes the global chart from summed counts, not by merging national lists',
    'Handles late data with a grace window and immutable, versioned publication',
    'Uses approximate heavy-hitter structures for live trending and exact counts for official charts',
  ],
  rubric: [
    {
      id: 'requirements-scoping',
      title: 'Requirements & chart rules',
      description: 'A 4 pins down qualification, chart week, credits and late-data policy; a 1 counts raw events.',
    },
    {
      id: 'estimation',
      title: 'Estimation',
      description:
        'A 4 sizes event rate and aggregation state and sees that counts are small even though events are huge; a 1 plans to sort all events weekly.',
    },
    {
      id: 'data-pipeline',
      title: 'Data pipeline design',
      description:
        'A 4 combines streaming daily counts with a weekly batch and correct global aggregation; a 1 merges national top lists into a global one.',
    },
    {
      id: 'scalability-reliability',
      title: 'Scalability & reliability',
      description:
        'A 4 handles skew, late data, reruns and immutable publication; a 1 overwrites the chart whenever data changes.',
    },
    {
      id: 'communication',
      title: 'Communication',
      description: 'A 4 checks the rules with the interviewer before building; a 1 assumes them silently.',
    },
  ],
}

export const WRAPPED_ML: Prompt = {
  id: 'wrapped-year-in-review',
  title: 'Personalized Year in Review (Wrapped) insights',
  statement:
    "Design the system that generates each user's personalized Year in Review — top artists, genres, listening habits and other insights — for hundreds of millions of users, ready for a fixed launch date.",
  track: 'ml',
  difficulty: 'hard',
  tags: ['Batch Processing', 'Data Warehousing', 'Scalability'],
  durationMinutes: 45,
  phases: [
    {
      id: 'frame',
      title: 'Frame the insights',
      minutes: 5,
      goals: ['Which insights are plain aggregates and which need models', 'Eligibility, launch date and rerun time'],
    },
    {
      id: 'data-and-scale',
      title: 'Data and scale',
      minutes: 6,
      goals: ['Event volume, feature table size and inference cost'],
    },
    {
      id: 'system-design',
      title: 'Pipeline design',
      minutes: 13,
      goals: ['Rollups, yearly feature table, aggregates, model jobs, serving store'],
    },
    {
      id: 'modeling',
      title: 'Deep dive: model-based insights',
      minutes: 13,
      goals: ['Taste clusters, listening eras, genre mapping', 'Thresholds for thin histories'],
    },
    {
      id: 'evaluation',
      title: 'Validation and wrap-up',
      minutes: 8,
      goals: ['Validating outputs at scale before launch'],
    },
  ],
  clarifyingQuestions: [
    'Which insights are simple aggregates, and which need models (taste profile, listening personality, phases of the year)?',
    'Who qualifies, and what do we show someone with a thin history?',
    'How do we make sure insights are accurate, inoffensive and explainable?',
    'When is launch, and how much time is left for reruns after the data cutoff?',
    'Must insight texts be localized?',
  ],
  requirements: {
    functional: [
      'Compute per-user aggregates: minutes, top artists, tracks, genres and podcasts',
      'Derive model-based insights such as taste clusters, listening phases over the year and a discovery score',
      'Generate a personalized playlist of the top tracks',
      'Deliver stats in a form the client renders as shareable cards',
    ],
    nonFunctional: [
      'The batch finishes days before launch, with room for a full rerun',
      'Deterministic, validated outputs: no embarrassing errors at scale',
      'Private sessions excluded and privacy requests honored',
      'Cost-aware use of a shared warehouse',
    ],
  },
  estimates: [
    {
      label: 'Listening events in a year',
      value: '~3T plays',
      reasoning: '~8.4B plays/day × 365 ≈ 3.1T events, too many to scan repeatedly.',
    },
    {
      label: 'Yearly feature table',
      value: '~600 GB',
      reasoning:
        '~600M users × ~1 KB of aggregates (minutes by month and hour, artist and genre shares, novelty) built from daily rollups.',
    },
    {
      label: 'Model inference cost',
      value: '~17 CPU-hours for 600M users',
      reasoning:
        'Assigning a taste cluster or scoring a small model on a 64-dimensional vector takes well under 100 µs: 600M × 100 µs ≈ 60k CPU-seconds.',
    },
  ],
  hints: [
    'Split insights into exact aggregates and model-derived ones; they need different validation.',
    'Reuse daily rollups instead of the raw year of events.',
    'For a "listening personality", think of clustering users on features like familiarity versus novelty, time-of-day patterns and variety.',
    'How will you catch a wrong insight before hundreds of millions of people see it?',
    'Near-answer: daily per-(user, track) rollups feed a yearly feature table (minutes, counts, artist and genre shares, time-of-day and seasonal profiles, novelty); deterministic jobs compute top-N lists; models assign taste clusters and find listening phases via change points in monthly genre mixes; outputs pass distribution checks, golden-user comparisons and rules (minimum listening, content policy) before bulk-loading into a KV store; every stage is versioned so one stage can be rerun alone.',
  ],
  deepDives: [
    'How do you set thresholds so someone who barely listened does not get a misleading insight?',
    'How would you name and describe taste clusters so they are stable and understandable?',
    'A model-derived insight looks wrong for 2% of users. How do you find them and decide whether to ship?',
    'How would you test the whole pipeline end to end before the real data cutoff?',
  ],
  strongAnswer: [
    'Separates deterministic aggregates from model-based insights and validates each appropriately',
    'Builds on incremental rollups and a yearly feature table instead of rescanning raw events',
    'Describes concrete models (clustering, change-point detection, genre mapping) and their inputs',
    'Validates at scale with distribution checks, golden users, thresholds and human review of samples',
    'Schedules the batch with rerun headroom and handles privacy exclusions',
  ],
  rubric: [
    {
      id: 'problem-framing',
      title: 'Problem framing',
      description:
        'A 4 defines each insight, its eligibility rule and how it could go wrong; a 1 lists stats without definitions.',
    },
    {
      id: 'data-features',
      title: 'Data & features',
      description:
        'A 4 designs rollups and a yearly feature table that serve all insights; a 1 queries raw events per insight.',
    },
    {
      id: 'modeling',
      title: 'Modeling',
      description:
        'A 4 proposes concrete, explainable models for derived insights; a 1 invents insights without a method.',
    },
    {
      id: 'evaluation',
      title: 'Validation',
      description:
        'A 4 has automated and human checks that scale to hundreds of millions of outputs; a 1 ships unchecked.',
    },
    {
      id: 'scalability-reliability',
      title: 'Pipeline scale & reliability',
      description: 'A 4 sizes the job, plans reruns and protects the launch date; a 1 has no plan if the batch fails.',
    },
  ],
}
