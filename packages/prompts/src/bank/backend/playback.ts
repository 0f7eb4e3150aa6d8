import type { Prompt } from '../../schema.ts'

export const AUDIO_STREAMING: Prompt = {
  id: 'audio-streaming-service',
  title: 'Low-latency audio streaming service',
  statement:
    "Design the core service that streams audio to Spotify's listeners. Playback should begin almost immediately after a tap and continue without stalls, including on unreliable mobile networks. How do you keep playback latency low, and how do you handle buffering?",
  track: 'backend',
  difficulty: 'hard',
  tags: ['CDN', 'Streaming Protocols', 'Caching', 'Network'],
  durationMinutes: 45,
  phases: [
    {
      id: 'clarify',
      title: 'Clarify requirements',
      minutes: 5,
      goals: [
        'Fix the tap-to-sound target and the acceptable stall rate',
        'Agree on clients, codecs and quality tiers',
      ],
    },
    {
      id: 'estimate',
      title: 'Estimate scale',
      minutes: 5,
      goals: ['Stream starts per second, concurrent streams and peak egress', 'Chunk sizes and the per-PoP cache size'],
    },
    {
      id: 'high-level-design',
      title: 'High-level design',
      minutes: 15,
      goals: [
        'Client, playback API, entitlement check, manifest service, CDN tiers and origin storage',
        'The request timeline for the first seconds of a track',
      ],
    },
    {
      id: 'deep-dive',
      title: 'Deep dive: buffering and caching',
      minutes: 15,
      goals: ['Chunking, adaptive bitrate and buffer management', 'Prefetching, device caching and cache hit ratios'],
    },
    {
      id: 'wrap-up',
      title: 'Failure modes and wrap-up',
      minutes: 5,
      goals: ['CDN degradation, origin overload, poor networks', 'Client-side metrics that prove it works'],
    },
  ],
  clarifyingQuestions: [
    'What tap-to-sound latency and stall rate are we aiming for, and at which percentile?',
    'Which platforms and codecs must we support, and which bitrates does each subscription tier get?',
    'Is the audio DRM-protected, and where is the entitlement (market, tier, device) checked?',
    'Should we optimize mainly for mobile networks with handovers, or for desktop on Wi-Fi?',
    'Do we need arbitrary seeking and gapless transitions between tracks?',
  ],
  requirements: {
    functional: [
      'Start any licensed track on request, with pause, seek and skip',
      'Serve several bitrates and switch between them as conditions change',
      'Prefetch the next queued track so transitions are gapless',
      'Enforce entitlements: market availability, subscription tier, device limits',
    ],
    nonFunctional: [
      'Tap-to-sound around 200 ms at the median, under 500 ms at p95',
      'Stalls under 1% of playback time',
      'Tens of millions of concurrent streams and multi-terabit egress',
      'Playback keeps working when search or recommendation services are down',
    ],
  },
  estimates: [
    {
      label: 'Concurrent streams at peak',
      value: '~40M simultaneous streams',
      reasoning:
        'Assume 300M daily listeners at ~100 minutes a day: 300M × 100 ÷ 1,440 ≈ 21M streams at an average moment; evening peaks roughly double that.',
    },
    {
      label: 'Peak egress',
      value: '~6.4 Tbps',
      reasoning:
        '40M streams × 160 kbps blended bitrate ≈ 6.4 Tbps. That must come from CDN edges; origin should only serve misses.',
    },
    {
      label: 'Stream-start rate',
      value: '~100k/s average, ~250k/s peak',
      reasoning:
        '~28 plays per daily listener × 300M ≈ 8.4B plays/day ÷ 86,400 s ≈ 100k/s. Each start costs one manifest call and the first chunk fetch.',
    },
    {
      label: 'Chunk sizing',
      value: '~10 s chunks ≈ 200 KB at 160 kbps; first chunk ~50 KB',
      reasoning:
        '160 kbps is 20 KB/s, so a 10 s chunk is ~200 KB. A shorter first chunk (2–3 s at a lower bitrate, ~25–50 KB) arrives in one or two round trips, so sound can start quickly.',
    },
  ],
  hints: [
    'List the round trips that happen between the tap and the first sound. Which can you remove or overlap?',
    'Encoded audio never changes. How close to the listener can you cache it?',
    'Consider fetching a small first segment at a conservative bitrate, then stepping up once the buffer has room.',
    'Some work can happen before the tap: prefetch the next track, keep connections warm, cache recently played audio on the device.',
    'Near-answer: the client asks the playback API for a signed manifest (entitlement checked, CDN hosts chosen by proximity and health); the first chunk is short and low-bitrate; ABR picks later chunks from throughput and buffer level; the next track is prefetched during the last ~30 s; immutable, content-addressed chunks are cached at edge, regional tier and on the device, with object storage as origin.',
  ],
  deepDives: [
    'How does your bitrate adaptation choose a quality, and how does it avoid oscillating between levels?',
    'One CDN provider degrades in a country. How do clients and the manifest service react?',
    'How do you protect origin when a huge release causes simultaneous cache misses everywhere?',
    'Byte-range requests on whole files versus pre-segmented chunks: what changes for caching and seeking?',
    'Which client-side metrics tell you the system is healthy, and how do they get back to you?',
  ],
  strongAnswer: [
    'Quantifies concurrency and egress and concludes that a multi-tier CDN, not the origin, carries the bytes',
    'Keeps the start path to one authenticated manifest call plus CDN fetches with short-lived signed URLs',
    'Uses immutable, content-addressed chunks with a small low-bitrate first chunk and throughput- and buffer-based ABR',
    'Hides latency with next-track prefetch, on-device caching and connection reuse',
    'Shields origin with miss coalescing at mid-tier caches and pre-warming for planned big releases',
    'Defines client quality metrics (startup time, stall ratio, bitrate switches) and multi-CDN failover',
  ],
  rubric: [
    {
      id: 'estimation',
      title: 'Estimation',
      description:
        'A 4 derives concurrent streams, egress and chunk sizes and uses them to pick a CDN-first design; a 1 gives no numbers, or numbers that never influence the design.',
    },
    {
      id: 'high-level-design',
      title: 'High-level design',
      description:
        'A 4 separates the control plane (manifest, entitlements) from the data plane (CDN, storage) and spells out the request sequence; a 1 streams audio from application servers.',
    },
    {
      id: 'deep-dive-tradeoffs',
      title: 'Deep dive & trade-offs',
      description:
        'A 4 reasons about chunk size, ABR stability, prefetch cost versus benefit and cache tiers; a 1 says "use a CDN" and stops there.',
    },
    {
      id: 'scalability-reliability',
      title: 'Scalability & reliability',
      description:
        'A 4 handles hot releases, CDN degradation and flaky networks with concrete mechanisms; a 1 does not consider failure.',
    },
    {
      id: 'communication',
      title: 'Communication',
      description:
        'A 4 narrates the request timeline on the board and checks assumptions with the interviewer; a 1 jumps between components without structure.',
    },
  ],
}

export const JAM_SYNC: Prompt = {
  id: 'jam-synchronized-playback',
  title: 'Spotify Jam: synchronized listening parties',
  statement:
    'Design Spotify Jam, a listening party in which people in different places hear the same music at the same moment, share one queue and can control playback together.',
  track: 'backend',
  difficulty: 'hard',
  tags: ['Synchronization', 'WebSockets', 'Leader Election', 'Latency Compensation'],
  durationMinutes: 45,
  phases: [
    {
      id: 'clarify',
      title: 'Clarify requirements',
      minutes: 5,
      goals: [
        'How tight the sync must be, remotely and in one room',
        'Session size, roles and what happens when the host leaves',
      ],
    },
    {
      id: 'estimate',
      title: 'Estimate scale',
      minutes: 5,
      goals: ['Concurrent sessions and participants', 'Command and clock-sync message rates'],
    },
    {
      id: 'high-level-design',
      title: 'High-level design',
      minutes: 15,
      goals: [
        'Session service, WebSocket gateways, queue storage, playback clients',
        'The data model of session state',
      ],
    },
    {
      id: 'deep-dive',
      title: 'Deep dive: clocks and drift',
      minutes: 15,
      goals: [
        'Clock-offset estimation and scheduled state changes',
        'Drift correction, output latency and session failover',
      ],
    },
    {
      id: 'wrap-up',
      title: 'Wrap-up',
      minutes: 5,
      goals: ['Failure cases and how sync quality is measured in production'],
    },
  ],
  clarifyingQuestions: [
    'How closely must remote participants be aligned, and are there speakers in the same room where echo would be audible?',
    'How many people can join one session, and who is allowed to control playback?',
    'What should happen when the host leaves or loses connectivity?',
    'Does every participant stream the audio on their own connection and account?',
    'Can participants be on different subscription tiers or audio qualities?',
  ],
  requirements: {
    functional: [
      'Create a session, invite by link or code, join and leave',
      'A shared queue anyone can add to; the host can restrict control',
      'Play, pause, skip and seek apply to every participant',
      'Late joiners start at the current position of the current track',
    ],
    nonFunctional: [
      'Remote participants within ~100 ms of each other; same-room devices tighter',
      'Commands take effect everywhere within ~500 ms',
      'The session survives any participant, including the host, dropping out',
      'Hundreds of thousands of concurrent sessions',
    ],
  },
  estimates: [
    {
      label: 'Concurrent sessions',
      value: '~200k sessions, ~800k participants at peak',
      reasoning:
        'If ~2% of ~40M peak-time listeners are in a Jam with ~4 people each, that is ~800k participants across ~200k sessions.',
    },
    {
      label: 'Control message rate',
      value: '~3.3k commands/s, ~13k deliveries/s',
      reasoning:
        'A session changes state roughly once a minute (skip, add to queue, pause): 200k ÷ 60 ≈ 3.3k commands/s, each fanned out to ~4 devices. Small for a WebSocket tier.',
    },
    {
      label: 'Clock-sync traffic',
      value: '~80k tiny pings/s',
      reasoning:
        'Each device probes the server clock every ~10 s (more often just after joining): 800k ÷ 10 ≈ 80k/s of very small messages over already-open sockets.',
    },
    {
      label: 'Sync error budget',
      value: '~100 ms remote, ~20–40 ms in one room',
      reasoning:
        'Remote listeners cannot hear each other, so ~100 ms is unnoticeable; co-located speakers echo beyond a few tens of ms. Bluetooth output alone can add 100–250 ms, so per-device output latency must be compensated.',
    },
  ],
  hints: [
    'Instead of broadcasting "play now", could you describe playback as a function of time?',
    'If the session says "track T was at position P at server time S", what does each device need in order to compute where it should be?',
    'How would a device estimate the offset between its clock and the server clock? Think NTP-style round trips, keeping the lowest-latency samples.',
    'Schedule state changes slightly in the future so every device has them before they take effect, and correct drift gently instead of jumping.',
    'Near-answer: a session actor (one owner per session via consistent hashing or a lease) holds versioned state {track, position, server timestamp, playing, queue}; commands go through it and are broadcast over WebSockets with an effective time ~300–500 ms ahead; devices estimate clock offset, prefetch the next track, start at the scheduled instant, subtract their measured output latency and correct drift by nudging playback rate, seeking only beyond ~150 ms.',
  ],
  deepDives: [
    'The node that owns a session crashes. How is ownership reassigned and state recovered without an audible glitch?',
    'Two participants press skip at the same instant. What happens?',
    'One participant is slow to download the next track. Does everyone wait?',
    'Server-authoritative state versus the host device as leader: what are the trade-offs?',
    'How would you measure synchronization quality across real sessions?',
  ],
  strongAnswer: [
    'Represents playback as timestamped, versioned state rather than a stream of relative commands',
    'Uses clock-offset estimation and future-scheduled transitions to absorb latency and jitter',
    'Has a single authority per session with a clear ownership and failover story',
    'Corrects drift smoothly (rate adjustment) with seek as a last resort and compensates output latency',
    'Prefetches upcoming tracks on every device and handles joins, leaves and host departure',
  ],
  rubric: [
    {
      id: 'requirements-scoping',
      title: 'Requirements & scoping',
      description:
        'A 4 quantifies what "in sync" means for remote and co-located listeners and settles control rules early; a 1 never defines the sync target.',
    },
    {
      id: 'high-level-design',
      title: 'High-level design',
      description:
        'A 4 has a session authority, a push channel, a queue store and clients that compute position themselves; a 1 has every client polling a database.',
    },
    {
      id: 'synchronization',
      title: 'Synchronization deep dive',
      description:
        'A 4 explains clock offset estimation, scheduled transitions, drift correction and output latency; a 1 assumes all clocks and networks are equal.',
    },
    {
      id: 'scalability-reliability',
      title: 'Scalability & reliability',
      description:
        'A 4 covers session ownership, failover, reconnection and slow participants; a 1 loses the session when one server restarts.',
    },
    {
      id: 'communication',
      title: 'Communication',
      description:
        'A 4 draws a timeline of messages and clocks that makes the sync argument easy to follow; a 1 hand-waves "use WebSockets".',
    },
  ],
}
