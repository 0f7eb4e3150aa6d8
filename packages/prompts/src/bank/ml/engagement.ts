import type { Prompt } from '../../schema.ts'

export const PARTY_RECS: Prompt = {
  id: 'listening-party-recommendations',
  title: 'Real-time group recommendations for listening parties',
  statement:
    'Design real-time recommendations for a listening party such as Spotify Jam, where several people listen together and the queue should keep suggesting tracks the whole group will enjoy.',
  track: 'ml',
  difficulty: 'hard',
  tags: ['Real-time Systems', 'Group Recommendation', 'Concurrency'],
  durationMinutes: 45,
  phases: [
    {
      id: 'frame',
      title: 'Frame the problem and metrics',
      minutes: 5,
      goals: ['Group size, control rules and what a good session looks like'],
    },
    {
      id: 'data-and-scale',
      title: 'Data and scale',
      minutes: 5,
      goals: ['Concurrent sessions, recompute events and compute per event'],
    },
    {
      id: 'system-design',
      title: 'System design',
      minutes: 14,
      goals: [
        'Session events, group recommender, queue integration',
        'Latency from membership change to new suggestions',
      ],
    },
    {
      id: 'modeling',
      title: 'Deep dive: group modeling',
      minutes: 13,
      goals: ['Aggregation strategies and fairness over time', 'Interpreting group feedback'],
    },
    {
      id: 'evaluation',
      title: 'Evaluation and wrap-up',
      minutes: 8,
      goals: ['Metrics and offline evaluation with individual logs'],
    },
  ],
  clarifyingQuestions: [
    'How many people typically join a session, and how different are their tastes?',
    'Should suggestions change as soon as someone joins, leaves or skips?',
    'Who can override suggestions, and how do manual additions interact with them?',
    'What is success: longer group sessions, fewer skips, members staying in the session?',
    'Can members be new users with no history?',
  ],
  requirements: {
    functional: [
      'Keep the next few queue slots filled with suggestions for the current group',
      'Update suggestions when members join or leave and when tracks are skipped',
      'Never replace tracks members added by hand',
      'Explain suggestions, for example by naming which members they suit',
    ],
    nonFunctional: [
      'New suggestions within ~1–2 s of a membership change',
      'Queue stays consistent under concurrent edits',
      'Hundreds of thousands of concurrent sessions',
      'Fair to every member over a session',
    ],
  },
  estimates: [
    {
      label: 'Concurrent party sessions',
      value: '~200k sessions with ~800k members',
      reasoning:
        'If ~2% of ~40M peak-time listeners join a party of ~4 people, that is ~800k members in ~200k sessions.',
    },
    {
      label: 'Recompute events',
      value: '~3.3k/s',
      reasoning: 'Joins, leaves, skips and track ends come to about one per minute per session: 200k ÷ 60 ≈ 3.3k/s.',
    },
    {
      label: 'Compute per recompute',
      value: '~5–10 ms CPU, a few dozen cores overall',
      reasoning:
        'Blend a handful of member vectors, fetch ~300 ANN candidates and rank them with a light model: ~10 ms each × 3.3k/s ≈ 33 cores.',
    },
  ],
  hints: [
    "How do you turn several people's tastes into one list? Name a few aggregation strategies.",
    'Averaging can produce songs nobody loves; least-misery avoids songs anyone hates. What about fairness across the session?',
    'Where does the authoritative queue live, and how do suggestions avoid racing with manual additions?',
    'A skip in a group is a noisy signal. Whose preference did it express?',
    'Near-answer: the session service owns the queue and emits events (join, leave, skip, add); a group recommender keeps member embeddings in memory, retrieves candidates from member-level ANN results plus a blended group vector, ranks with group features (share of members with affinity, least-misery score, novelty, how satisfied each member has been so far) and fills only the auto-suggested slots below manual additions, tagged with the queue version so stale suggestions are dropped.',
  ],
  deepDives: [
    'How would you make sure the quietest member still hears music they like?',
    'How do you evaluate a group recommender offline when your logs are mostly individual listening?',
    'What happens when someone with very niche taste joins?',
    'How do you keep latency low in a large session whose membership keeps changing?',
  ],
  strongAnswer: [
    'Compares aggregation strategies and chooses one with fairness over the session',
    'Recomputes suggestions in real time from in-memory member embeddings and fast retrieval',
    'Integrates with the session queue through versions so suggestions never overwrite manual additions',
    'Interprets group feedback carefully and updates suggestions online',
    'Defines group metrics (session length, skip rate, members staying) and an evaluation approach',
  ],
  rubric: [
    {
      id: 'problem-framing',
      title: 'Problem framing & metrics',
      description:
        'A 4 defines what a good group session means and how to measure it; a 1 optimizes for the host only.',
    },
    {
      id: 'modeling',
      title: 'Group modeling',
      description:
        'A 4 compares aggregation strategies and adds fairness over time; a 1 averages embeddings without discussing consequences.',
    },
    {
      id: 'realtime-architecture',
      title: 'Real-time architecture',
      description:
        'A 4 wires session events to a fast recommender and handles queue concurrency with versions; a 1 recomputes in a nightly batch.',
    },
    {
      id: 'evaluation',
      title: 'Evaluation',
      description:
        'A 4 proposes offline proxies from individual logs plus online tests; a 1 has no plan to measure quality.',
    },
    {
      id: 'communication',
      title: 'Communication',
      description: 'A 4 uses a concrete three-person example to explain trade-offs; a 1 stays abstract.',
    },
  ],
}

export const AD_TARGETING: Prompt = {
  id: 'free-tier-ad-targeting',
  title: 'Ad targeting for free-tier listeners',
  statement:
    "Design the ad-targeting system for Spotify's free tier. It should earn as much ad revenue as possible while keeping listeners from leaving.",
  track: 'ml',
  difficulty: 'hard',
  tags: ['Ad Tech', 'Prediction Models', 'Optimization'],
  durationMinutes: 45,
  phases: [
    {
      id: 'frame',
      title: 'Frame the objective',
      minutes: 6,
      goals: ['Short-term revenue versus lifetime value', 'Ad formats, sales models and constraints'],
    },
    {
      id: 'data-and-scale',
      title: 'Data and scale',
      minutes: 5,
      goals: ['Decision rate, candidate pool and the cost of churn'],
    },
    {
      id: 'system-design',
      title: 'System design',
      minutes: 14,
      goals: ['Retrieval, prediction, auction and delivery', 'Pacing, caps and prefetching creatives'],
    },
    {
      id: 'modeling',
      title: 'Deep dive: models and trade-off',
      minutes: 12,
      goals: ['Calibrated response models and a user-cost model', 'Setting the revenue-versus-churn weight'],
    },
    {
      id: 'evaluation',
      title: 'Evaluation and wrap-up',
      minutes: 8,
      goals: ['Experiments, long-term holdouts, privacy'],
    },
  ],
  clarifyingQuestions: [
    'Which formats are in scope (audio, video, display), and are they sold as guaranteed campaigns, in auctions, or both?',
    'Is upgrading to premium a good outcome rather than churn?',
    'What targeting data may we use under consent and privacy rules?',
    'Is ad load fixed, or may we tune how often ads play?',
    'How much time do we have to decide on an ad?',
  ],
  requirements: {
    functional: [
      'Choose which ad, if any, fills each break for a listener',
      'Support advertiser targeting (market, age band, genre, context) and budgets',
      'Enforce frequency caps, pacing and brand-safety rules',
      'Measure impressions, completions, clicks and downstream retention',
    ],
    nonFunctional: [
      'Decision under ~100 ms, with the creative prefetched before the break',
      '~50k decisions/s at peak',
      'Consent and sensitive-category restrictions respected',
      'Ad-load experiments with long-running holdouts',
    ],
  },
  estimates: [
    {
      label: 'Ad decision rate',
      value: '~20k/s average, ~50k/s peak',
      reasoning: 'Assume ~170M free-tier daily listeners with ~10 ad breaks each: 1.7B decisions/day ÷ 86,400 ≈ 20k/s.',
    },
    {
      label: 'Candidates per decision',
      value: '~1k eligible, ~50 fully scored',
      reasoning:
        'Targeting rules and caps cut tens of thousands of active campaigns to about a thousand; a cheap model narrows them to ~50 for full scoring.',
    },
    {
      label: 'Cost of a 1% churn shift',
      value: '~17M lost ad breaks a day',
      reasoning:
        '1% of 170M listeners × ~10 breaks ≈ 17M breaks/day, so a small rise in churn can cancel the revenue from extra ads.',
    },
  ],
  hints: [
    "What exactly are you maximizing: today's revenue, or revenue over a listener's lifetime?",
    'Each ad has a price and a probability of the outcome the advertiser pays for. How do you compare ads sold on different terms?',
    'Add a cost for annoying the listener. Which signals predict that an ad break will end the session, or worse?',
    'Short A/B tests underestimate long-term annoyance. How would you measure it?',
    'Near-answer: for each break, retrieve eligible ads by targeting and caps; predict completion, click and conversion with calibrated models; compute expected value = price × p(outcome), or a pacing value for guaranteed campaigns; subtract λ × predicted user cost (session abandonment, churn risk); run an auction with reserve prices; tune ad load per user with a policy that trades revenue against churn; set λ from long-running holdout groups; prefetch the chosen creative.',
  ],
  deepDives: [
    'How do you pace a guaranteed campaign evenly over its flight without starving auction revenue?',
    'Why does calibration of click and completion predictions matter in an auction, and how do you check it?',
    'Some listeners upgrade to premium because of ads. How would you model that?',
    'How would you choose ads for listeners who did not consent to personalized advertising?',
    'How would you design the holdout experiment that sets ad load?',
  ],
  strongAnswer: [
    'Frames the objective as long-term value: revenue minus the expected cost of churn, with premium upgrades considered',
    'Builds retrieval → prediction → auction with calibrated models and expected-value ranking',
    'Handles guaranteed-delivery pacing, frequency caps and budgets',
    'Measures ad-load effects on retention with long-running holdouts',
    'Respects consent and sensitive categories, with contextual targeting as a fallback',
  ],
  rubric: [
    {
      id: 'problem-framing',
      title: 'Problem framing & objective',
      description:
        'A 4 writes down an objective that combines revenue and churn and explains how its weight is set; a 1 maximizes clicks.',
    },
    {
      id: 'modeling',
      title: 'Modeling',
      description:
        'A 4 proposes calibrated response models plus a user-cost model and explains their features; a 1 names "a neural network" without labels.',
    },
    {
      id: 'serving-architecture',
      title: 'Serving architecture',
      description:
        'A 4 designs retrieval, scoring, auction, pacing and prefetch within the latency budget; a 1 scores every campaign per request.',
    },
    {
      id: 'evaluation',
      title: 'Evaluation',
      description:
        'A 4 uses holdouts for long-term effects and checks calibration; a 1 trusts a one-week revenue lift.',
    },
    {
      id: 'communication',
      title: 'Communication',
      description:
        'A 4 states the trade-off explicitly and keeps coming back to it; a 1 loses sight of the churn side.',
    },
  ],
}
