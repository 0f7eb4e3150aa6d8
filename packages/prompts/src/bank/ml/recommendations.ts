import type { Prompt } from '../../schema.ts'

export const DISCOVER_WEEKLY: Prompt = {
  id: 'discover-weekly',
  title: 'Discover Weekly: 30 new tracks for every listener',
  statement:
    'Design the system behind Discover Weekly: every Monday, each user gets a playlist of 30 tracks they have not heard yet but are likely to love. How would you generate these playlists for hundreds of millions of users each week?',
  track: 'ml',
  difficulty: 'hard',
  tags: ['Recommendation Systems', 'Batch Processing', 'Scalability', 'Collaborative Filtering'],
  durationMinutes: 45,
  phases: [
    {
      id: 'frame',
      title: 'Frame the problem and metrics',
      minutes: 5,
      goals: [
        'Define success (saves, long listens, return next week)',
        'Constraints: novelty, diversity, delivery time',
      ],
    },
    {
      id: 'data-and-scale',
      title: 'Data and scale',
      minutes: 6,
      goals: ['Signals available and their volume', 'Candidate, scoring and embedding sizes'],
    },
    {
      id: 'pipeline',
      title: 'Pipeline design',
      minutes: 14,
      goals: ['Weekly batch DAG from logs to published playlists', 'Scheduling by time zone and fallbacks'],
    },
    {
      id: 'modeling',
      title: 'Deep dive: candidates and ranking',
      minutes: 12,
      goals: ['Embeddings and nearest-neighbour retrieval', 'Ranking labels, features and re-ranking rules'],
    },
    {
      id: 'evaluation',
      title: 'Evaluation and wrap-up',
      minutes: 8,
      goals: ['Offline metrics, A/B tests and feedback loops'],
    },
  ],
  clarifyingQuestions: [
    'What counts as success: saves, 30-second listens, coming back next week, long-term retention?',
    'Must every track be new to the user, and how do we define "already heard"?',
    'How much diversity do we want across artists, genres and familiarity?',
    'Must the playlist be ready at midnight local time in every time zone?',
    'How do we treat users with little history and tracks released this week?',
  ],
  requirements: {
    functional: [
      'Generate 30 personalized tracks per user per week that the user has not played',
      'Publish by Monday morning local time and notify the user',
      "Apply rules: availability in the user's market, explicit-content setting, per-artist caps",
      'Log impressions and outcomes to train the next model',
    ],
    nonFunctional: [
      'The pipeline fits a weekend window with time for a rerun',
      'Batch compute is cost-efficient',
      "Runs are reproducible, with rollback to last week's model",
      'Opt-outs and deleted data are respected',
    ],
  },
  estimates: [
    {
      label: 'Weekly output',
      value: '~500M playlists ≈ 120 GB',
      reasoning:
        '500M users × 30 track ids × 8 bytes ≈ 120 GB. The output is tiny; the cost lies in candidate generation and scoring.',
    },
    {
      label: 'Candidate scoring volume',
      value: '~250B scores per week ≈ 1,400 CPU-hours',
      reasoning:
        '~500 candidates per user × 500M users = 250B. At ~20 µs per score that is ~5M CPU-seconds ≈ 1,400 CPU-hours: under an hour on 2,000 cores.',
    },
    {
      label: 'Embedding tables',
      value: '~256 GB of user vectors, ~5 GB of track vectors',
      reasoning:
        '500M × 128 floats × 4 bytes ≈ 256 GB; ~10M recommendable tracks × 128 × 4 ≈ 5 GB, small enough to load an ANN index on every worker.',
    },
    {
      label: 'Training signal volume',
      value: '~60B listening events a week',
      reasoning: '~8.4B plays/day × 7, plus co-occurrence from billions of user-made playlists.',
    },
  ],
  hints: [
    'Separate "which tracks could this person like" from "which 30 of them should go first".',
    'What tells you two tracks belong together? Think of the playlists people build and the sessions they listen to.',
    'User and track embeddings let you find candidates by nearest-neighbour search. How do you exclude what the user already knows?',
    'A track released on Friday has no listening history. Which features still describe it?',
    'Near-answer: a weekly batch DAG builds training data from listening and playlist logs; learns track embeddings (implicit-feedback matrix factorization or playlist co-occurrence models) plus audio-content embeddings for cold tracks; forms user taste vectors from recent listening; retrieves a few hundred unheard candidates by ANN; ranks them with a model predicting saves and long listens; re-ranks for artist diversity and a familiarity mix; writes per-user playlists and notifies by time zone; evaluates offline on next-week listens and online with A/B tests.',
  ],
  deepDives: [
    'How do you avoid a feedback loop where the system keeps recommending what it recommended before?',
    'How would you balance safe, familiar-sounding picks with genuine discovery?',
    'The ranking job fails on Sunday night. What does the user see on Monday?',
    'Which offline metrics would you trust, and why might they disagree with the A/B result?',
    'How would you use editorial knowledge without hand-picking for each user?',
  ],
  strongAnswer: [
    'Frames the task as retrieval plus ranking with explicit success metrics (saves, long listens, return rate)',
    'Uses collaborative signals from listening and playlist co-occurrence, and content features for cold start',
    'Sizes and schedules the batch pipeline with time-zone-aware delivery and a fallback',
    'Applies diversity, novelty and policy constraints in a re-ranking stage',
    'Evaluates offline and online, and addresses feedback loops with exploration',
  ],
  rubric: [
    {
      id: 'problem-framing',
      title: 'Problem framing & metrics',
      description:
        'A 4 turns "tracks they will love" into measurable labels and business metrics; a 1 optimizes an unspecified accuracy.',
    },
    {
      id: 'data-features',
      title: 'Data & features',
      description:
        'A 4 names concrete signals (plays, skips, saves, playlist co-occurrence, audio features) and their pitfalls; a 1 says "use user data".',
    },
    {
      id: 'modeling',
      title: 'Modeling',
      description:
        'A 4 separates retrieval from ranking and handles cold start and diversity; a 1 proposes one model scoring the entire catalog per user.',
    },
    {
      id: 'pipeline-scale',
      title: 'Pipeline & scale',
      description:
        'A 4 sizes the weekly job and plans scheduling, reruns and fallbacks; a 1 ignores that hundreds of millions of playlists are due on Monday.',
    },
    {
      id: 'evaluation',
      title: 'Evaluation',
      description:
        'A 4 combines offline metrics with A/B tests and watches long-term effects; a 1 has no way to know whether the playlist is good.',
    },
  ],
}

export const PODCAST_RECS: Prompt = {
  id: 'podcast-recommendations',
  title: 'Podcast recommendation engine',
  statement:
    'Design a recommendation engine for podcasts. How does recommending podcasts differ from recommending music, and how does your design account for those differences?',
  track: 'ml',
  difficulty: 'hard',
  tags: ['Recommendation Systems', 'NLP', 'User Intent'],
  durationMinutes: 45,
  phases: [
    {
      id: 'frame',
      title: 'Frame the problem and metrics',
      minutes: 6,
      goals: ['Shows versus episodes, surfaces and success metrics', 'List the differences from music explicitly'],
    },
    {
      id: 'data-and-scale',
      title: 'Data and scale',
      minutes: 6,
      goals: ['Catalog size, interaction sparsity, transcription cost'],
    },
    {
      id: 'system-design',
      title: 'System design',
      minutes: 13,
      goals: ['Content understanding, candidate sources, ranking and serving'],
    },
    {
      id: 'modeling',
      title: 'Deep dive: models and cold start',
      minutes: 12,
      goals: ['Labels, text embeddings and cross-domain signals', 'Freshness and series order'],
    },
    {
      id: 'evaluation',
      title: 'Evaluation and wrap-up',
      minutes: 8,
      goals: ['Offline and online evaluation, safety'],
    },
  ],
  clarifyingQuestions: [
    'Do we recommend shows to follow, episodes to play, or both?',
    'What is the main success metric: follows, minutes listened, completion rate?',
    'What do we know about listeners who have only ever played music?',
    'May we use transcripts and show descriptions?',
    'Which surfaces: home shelves, autoplay after an episode, search?',
  ],
  requirements: {
    functional: [
      'Recommend shows to follow and episodes to play next',
      'Use content (transcripts, descriptions), listening behavior and music taste',
      'Respect language, region and explicit-content preferences',
      'Handle new shows and new episodes every day',
    ],
    nonFunctional: [
      'Online ranking under ~100 ms for home shelves',
      'New episodes recommendable within an hour of publication',
      'Hundreds of millions of users',
      'Brand safety: no recommendations of harmful content',
    ],
  },
  estimates: [
    {
      label: 'Podcast catalog',
      value: '~5M active shows, ~100k new episodes a day',
      reasoning:
        'Far fewer items than the music catalog, but each item is long and the pool of new episodes turns over daily.',
    },
    {
      label: 'Interaction sparsity',
      value: 'About 40× fewer signals per user than music',
      reasoning:
        'At ~45 minutes per episode, a podcast listener finishes a handful of episodes a week, while a music listener plays ~28 tracks a day (~200 a week).',
    },
    {
      label: 'Transcription cost',
      value: '~1,000 GPU-hours a day (~40 GPUs)',
      reasoning:
        '100k episodes × 45 min ≈ 4.5M audio minutes; a speech model running ~75× real time needs ~60k GPU-minutes ≈ 1,000 GPU-hours daily.',
    },
  ],
  hints: [
    'How does listening to a 60-minute episode differ from a 3-minute song as a feedback signal?',
    'People choose podcasts by topic and by host. Where can topic information come from for a show nobody has played?',
    'Consider two levels: shows (lasting interest) and episodes (what to play now). Recency matters a lot for episodes.',
    'Could music taste help with a user who has never played a podcast?',
    'Near-answer: a content pipeline (speech-to-text, topic and entity extraction, text embeddings, metadata) gives every show and episode a vector from day one; user vectors combine podcast history with music-derived taste and demographics for cold start; candidates come from followed shows, new episodes, topic neighbours and co-listening; a ranker predicts completion or follow using recency, position in the series and language; safety and diversity rules run before serving.',
  ],
  deepDives: [
    'Which label would you train on: play, 30 minutes listened, completion or follow? What bias does each bring?',
    'How do you handle serialized shows that must be heard in order?',
    'News episodes lose value within a day. How does freshness enter the model?',
    'How would you evaluate recommendations for users who have never played a podcast?',
  ],
  strongAnswer: [
    'States clear differences from music: long form, sparse feedback, topical intent, episodic recency, series order',
    'Builds content understanding from transcripts and NLP embeddings to solve item cold start',
    'Separates show-level and episode-level recommendation with suitable labels (completion, follow)',
    'Uses cross-domain signals from music for user cold start',
    'Covers evaluation, safety filtering and freshness of new episodes',
  ],
  rubric: [
    {
      id: 'problem-framing',
      title: 'Problem framing & metrics',
      description:
        'A 4 lists concrete differences from music and ties metrics to them; a 1 reuses a music recommender unchanged.',
    },
    {
      id: 'data-features',
      title: 'Data & features',
      description:
        'A 4 uses transcripts, metadata, completion and cross-domain taste with awareness of their noise; a 1 relies only on play counts.',
    },
    {
      id: 'modeling',
      title: 'Modeling',
      description:
        'A 4 handles cold start, recency and series order in retrieval and ranking; a 1 offers collaborative filtering alone.',
    },
    {
      id: 'evaluation',
      title: 'Evaluation',
      description:
        'A 4 plans offline metrics, online tests and segment analysis (new podcast listeners); a 1 gives no evaluation plan.',
    },
    {
      id: 'communication',
      title: 'Communication',
      description: 'A 4 answers the "how is it different" question directly and early; a 1 never addresses it.',
    },
  ],
}
