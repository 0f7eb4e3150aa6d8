import type { DatabaseSync } from 'node:sqlite'

/**
 * Schema migrations, applied in order at start. The database's `user_version` records how
 * many have run. Append only: never edit a migration that has shipped.
 */
const MIGRATIONS: string[] = [
  `
  CREATE TABLE rooms (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE room_tokens (
    room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    seat TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    PRIMARY KEY (room_id, seat)
  );
  CREATE TABLE room_updates (
    room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    ts INTEGER NOT NULL,
    author TEXT NOT NULL,
    bytes BLOB NOT NULL,
    PRIMARY KEY (room_id, seq)
  ) WITHOUT ROWID;
  CREATE TABLE room_snapshots (
    room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    upto_seq INTEGER NOT NULL,
    ts INTEGER NOT NULL,
    state BLOB NOT NULL,
    PRIMARY KEY (room_id, upto_seq)
  ) WITHOUT ROWID;
  `,
  // 2: the interview — state, the room's own prompts, private notes, scorecards, feedback,
  // and the event log that the review timeline reads.
  `
  ALTER TABLE rooms ADD COLUMN roles_swapped INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE interview_state (
    room_id TEXT PRIMARY KEY REFERENCES rooms(id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE custom_prompts (
    room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    prompt TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (room_id, id)
  );
  CREATE TABLE notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    author_seat TEXT NOT NULL,
    round INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    session_ms INTEGER,
    shape_id TEXT,
    text TEXT NOT NULL
  );
  CREATE INDEX notes_by_room ON notes (room_id, author_seat, id);
  CREATE TABLE scorecards (
    room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    author_seat TEXT NOT NULL,
    round INTEGER NOT NULL,
    scorecard TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (room_id, author_seat, round)
  );
  CREATE TABLE feedback (
    room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    author_seat TEXT NOT NULL,
    round INTEGER NOT NULL,
    markdown TEXT NOT NULL,
    published_at INTEGER NOT NULL,
    PRIMARY KEY (room_id, author_seat, round)
  );
  CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    ts INTEGER NOT NULL,
    type TEXT NOT NULL,
    data TEXT NOT NULL
  );
  CREATE INDEX events_by_room ON events (room_id, ts);
  `,
  // 3: recording — the room's recording periods, who agreed to be recorded, and the audio
  // tracks each browser uploads in chunks (the bytes live in files under DATA_DIR/recordings).
  `
  CREATE TABLE recordings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    started_at INTEGER NOT NULL,
    stopped_at INTEGER
  );
  CREATE INDEX recordings_by_room ON recordings (room_id, id);
  CREATE TABLE recording_consent (
    room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    consent INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (room_id, user_id)
  ) WITHOUT ROWID;
  CREATE TABLE audio_tracks (
    room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    recording_id INTEGER NOT NULL REFERENCES recordings(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    seat TEXT NOT NULL,
    mime_type TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    PRIMARY KEY (room_id, id)
  ) WITHOUT ROWID;
  CREATE INDEX audio_tracks_by_recording ON audio_tracks (recording_id);
  CREATE TABLE audio_chunks (
    room_id TEXT NOT NULL,
    track_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (room_id, track_id, seq),
    FOREIGN KEY (room_id, track_id) REFERENCES audio_tracks (room_id, id) ON DELETE CASCADE
  ) WITHOUT ROWID;
  `,
  // 4: controlled room creation — interviewer keys (only their hashes) and which key made a room.
  `
  CREATE TABLE interviewer_keys (
    id TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
  );
  ALTER TABLE rooms ADD COLUMN created_by_key TEXT;
  `,
  // 5: drafts — what an author typed but has not saved (scorecard, note), per seat and round.
  `
  CREATE TABLE drafts (
    room_id TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    author_seat TEXT NOT NULL,
    round INTEGER NOT NULL,
    kind TEXT NOT NULL,
    content TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (room_id, author_seat, round, kind)
  ) WITHOUT ROWID;
  `,
]

export function migrate(db: DatabaseSync): void {
  const { user_version: current } = db.prepare('PRAGMA user_version').get() as { user_version: number }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.exec('BEGIN')
    try {
      db.exec(MIGRATIONS[version]!)
      db.exec(`PRAGMA user_version = ${version + 1}`)
      db.exec('COMMIT')
    } catch (error) {
      db.exec('ROLLBACK')
      throw new Error(`Migration ${version + 1} failed: ${(error as Error).message}`)
    }
  }
}
