import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

/** What the gauges read when Prometheus scrapes; counted where the things live, not mirrored. */
export interface MetricSources {
  /** Rooms whose board is held in memory by this process. */
  loadedRooms(): number
  /** Open /yjs WebSockets. */
  yjsSockets(): number
  /** Open socket.io connections (presence, interview control, signalling). */
  socketIoSockets(): number
}

/** Relay-to-relay delivery buckets (seconds): the bench's goals are 10 ms p50 and 50 ms p99. */
const FANOUT_LAG_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

/** Commit latency buckets (seconds): a healthy SQLite commit is well under a millisecond. */
const COMMIT_BUCKETS_S = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

/**
 * This process's Prometheus metrics, in a registry of its own so several servers in one
 * process (tests, the bench) never share or clash. Metrics carry no room ids: rooms come and
 * go by the thousand, and a label per room would grow Prometheus without bound.
 */
export class Metrics {
  readonly registry = new Registry()
  private updates: Counter
  private commitSeconds: Histogram
  private commitFailures: Counter
  private journalFlushSeconds: Histogram
  private journalFlushFailures: Counter
  private fanoutLag: Histogram
  private fanoutFailures: Counter
  private fanoutFilled: Counter
  private connectionsRefused: Counter

  constructor(nodeId: string) {
    this.registry.setDefaultLabels({ node: nodeId })
    collectDefaultMetrics({ register: this.registry, prefix: 'loopboard_' })
    this.updates = new Counter({
      name: 'loopboard_board_updates_total',
      help: 'Board updates committed to storage (rate() gives updates per second).',
      registers: [this.registry],
    })
    this.commitSeconds = new Histogram({
      name: 'loopboard_storage_commit_seconds',
      help: 'Time to commit one batch of board updates to storage.',
      buckets: COMMIT_BUCKETS_S,
      registers: [this.registry],
    })
    this.commitFailures = new Counter({
      name: 'loopboard_storage_commit_failures_total',
      help: 'Batches of board updates whose commit failed (their senders were closed, nothing acknowledged).',
      registers: [this.registry],
    })
    this.journalFlushSeconds = new Histogram({
      name: 'loopboard_storage_journal_flush_seconds',
      help: 'Embedded SQLite: time to move journaled board updates into the database (by its worker thread, or on the event loop).',
      buckets: COMMIT_BUCKETS_S,
      registers: [this.registry],
    })
    this.journalFlushFailures = new Counter({
      name: 'loopboard_storage_journal_flush_failures_total',
      help: 'Embedded SQLite: moves of journaled board updates into the database that failed (kept journaled, retried).',
      registers: [this.registry],
    })
    this.fanoutLag = new Histogram({
      name: 'loopboard_fanout_lag_seconds',
      help: "Time from another relay's publish of a board update (Redis's clock) to its application here.",
      buckets: FANOUT_LAG_BUCKETS_S,
      registers: [this.registry],
    })
    this.fanoutFailures = new Counter({
      name: 'loopboard_fanout_errors_total',
      help: 'Redis operations of the board fan-out that failed (publishes, subscriptions); covered by storage.',
      registers: [this.registry],
    })
    this.fanoutFilled = new Counter({
      name: 'loopboard_fanout_gap_updates_total',
      help: 'Board updates of other relays read from storage because the bus did not bring them.',
      registers: [this.registry],
    })
    this.connectionsRefused = new Counter({
      name: 'loopboard_connections_refused_total',
      help: 'Connections closed as they opened: over MAX_CONNECTIONS (total) or MAX_CONNECTIONS_PER_ADDRESS (address).',
      labelNames: ['reason'],
      registers: [this.registry],
    })
  }

  /** Another relay's update, published at `publishedAt` (ms), was applied here now. */
  fanoutDelivered(publishedAt: number, now = Date.now()): void {
    this.fanoutLag.observe(Math.max(0, now - publishedAt) / 1000)
  }

  fanoutFailed(): void {
    this.fanoutFailures.inc()
  }

  fanoutGapFilled(updates: number): void {
    this.fanoutFilled.inc(updates)
  }

  /** A connection was closed as it opened, over the server's budget (`total`) or its address's (`address`). */
  connectionRefused(reason: 'total' | 'address'): void {
    this.connectionsRefused.inc({ reason })
  }

  /** Read the live gauges from `sources` at every scrape. */
  observe(sources: MetricSources): void {
    new Gauge({
      name: 'loopboard_rooms_loaded',
      help: 'Rooms whose board is held in memory by this process.',
      registers: [this.registry],
      collect() {
        this.set(sources.loadedRooms())
      },
    })
    new Gauge({
      name: 'loopboard_sockets',
      help: 'Open client connections by transport.',
      labelNames: ['transport'],
      registers: [this.registry],
      collect() {
        this.set({ transport: 'yjs' }, sources.yjsSockets())
        this.set({ transport: 'socketio' }, sources.socketIoSockets())
      },
    })
  }

  /** A batch of `updates` board updates was committed in `seconds`. */
  committed(updates: number, seconds: number): void {
    this.updates.inc(updates)
    this.commitSeconds.observe(seconds)
  }

  commitFailed(): void {
    this.commitFailures.inc()
  }

  /** Journaled updates were moved into the database in `seconds` (or failed to be). */
  journalFlushed(seconds: number): void {
    this.journalFlushSeconds.observe(seconds)
  }

  journalFlushFailed(): void {
    this.journalFlushFailures.inc()
  }

  /** The Prometheus text exposition. */
  async text(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() }
  }
}

/** The part of {@link Metrics} the board fan-out reports to. */
export type FanoutMetrics = Pick<Metrics, 'fanoutDelivered' | 'fanoutFailed' | 'fanoutGapFilled'>

/** The part of {@link Metrics} the embedded storage's journal reports to. */
export type JournalMetrics = Pick<Metrics, 'journalFlushed' | 'journalFlushFailed'>

/** The part of {@link Metrics} the update batcher reports to. */
export type CommitMetrics = Pick<Metrics, 'committed' | 'commitFailed'>
