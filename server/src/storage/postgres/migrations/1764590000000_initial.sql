-- Up Migration
-- The SQLite schema (storage/migrations.ts, versions 1-4) in Postgres types. Times are ms since
-- the epoch (BIGINT) like everywhere else in Loopboard; JSON documents are JSONB.

CREATE TABLE rooms (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  roles_swapped BOOLEAN NOT NULL DEFAULT FALSE,
  created_by_key TEXT,
  -- The room's highest board seq: appends take the next ones under this row's lock, so relays
  -- sharing the database never hand out the same seq.
  last_seq BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE room_tokens (
  room_id TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  seat TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  PRIMARY KEY (room_id, seat)
);

-- The board log: every accepted update with the server's time and the author's role.
CREATE TABLE room_updates (
  room_id TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  seq BIGINT NOT NULL,
  ts BIGINT NOT NULL,
  author TEXT NOT NULL,
  bytes BYTEA NOT NULL,
  PRIMARY KEY (room_id, seq)
);

CREATE TABLE room_snapshots (
  room_id TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  upto_seq BIGINT NOT NULL,
  ts BIGINT NOT NULL,
  state BYTEA NOT NULL,
  PRIMARY KEY (room_id, upto_seq)
);

-- version: interview commands from several relays are applied under a row lock, each bumping it.
CREATE TABLE interview_state (
  room_id TEXT PRIMARY KEY REFERENCES rooms (id) ON DELETE CASCADE,
  state JSONB NOT NULL,
  version BIGINT NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL
);

CREATE TABLE custom_prompts (
  room_id TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  prompt JSONB NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (room_id, id)
);

CREATE TABLE notes (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  room_id TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  author_seat TEXT NOT NULL,
  round INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  session_ms BIGINT,
  shape_id TEXT,
  text TEXT NOT NULL
);
CREATE INDEX notes_by_room ON notes (room_id, author_seat, id);

CREATE TABLE scorecards (
  room_id TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  author_seat TEXT NOT NULL,
  round INTEGER NOT NULL,
  scorecard JSONB NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (room_id, author_seat, round)
);

CREATE TABLE feedback (
  room_id TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  author_seat TEXT NOT NULL,
  round INTEGER NOT NULL,
  markdown TEXT NOT NULL,
  published_at BIGINT NOT NULL,
  PRIMARY KEY (room_id, author_seat, round)
);

CREATE TABLE events (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  room_id TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  ts BIGINT NOT NULL,
  type TEXT NOT NULL,
  data JSONB NOT NULL
);
CREATE INDEX events_by_room ON events (room_id, ts);

CREATE TABLE recordings (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  room_id TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  started_at BIGINT NOT NULL,
  stopped_at BIGINT
);
CREATE INDEX recordings_by_room ON recordings (room_id, id);

CREATE TABLE recording_consent (
  room_id TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  consent BOOLEAN NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (room_id, user_id)
);

CREATE TABLE audio_tracks (
  room_id TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  recording_id BIGINT NOT NULL REFERENCES recordings (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  seat TEXT NOT NULL,
  mime_type TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  PRIMARY KEY (room_id, id)
);
CREATE INDEX audio_tracks_by_recording ON audio_tracks (recording_id);

-- data: the chunk's bytes, so every relay can serve any recording (SQLite keeps them in files).
CREATE TABLE audio_chunks (
  room_id TEXT NOT NULL,
  track_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  started_at BIGINT NOT NULL,
  duration_ms INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  data BYTEA,
  PRIMARY KEY (room_id, track_id, seq),
  FOREIGN KEY (room_id, track_id) REFERENCES audio_tracks (room_id, id) ON DELETE CASCADE
);

CREATE TABLE interviewer_keys (
  id TEXT PRIMARY KEY,
  label TEXT NOT NULL,
  key_hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);

-- Down Migration
DROP TABLE interviewer_keys, audio_chunks, audio_tracks, recording_consent, recordings, events,
  feedback, scorecards, notes, custom_prompts, interview_state, room_snapshots, room_updates,
  room_tokens, rooms;
