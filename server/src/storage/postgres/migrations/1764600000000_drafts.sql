-- Up Migration
-- Drafts (SQLite migration 5): what an author typed but has not saved (scorecard, note), per seat and round.
CREATE TABLE drafts (
  room_id TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  author_seat TEXT NOT NULL,
  round INTEGER NOT NULL,
  kind TEXT NOT NULL,
  content TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (room_id, author_seat, round, kind)
);

-- Down Migration
DROP TABLE drafts;
