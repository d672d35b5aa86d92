-- owner: playback (plays, downloads, album_zips). The preview_* columns sit on
-- catalog's items because they are item settings the creator edits in the pricing step; only
-- the playback module reads them.

ALTER TABLE items
  ADD COLUMN preview_mode text NOT NULL DEFAULT 'clip' CHECK (preview_mode IN ('off', 'clip', 'plays')),
  ADD COLUMN preview_seconds integer NOT NULL DEFAULT 30 CHECK (preview_seconds BETWEEN 5 AND 300),
  ADD COLUMN preview_plays integer NOT NULL DEFAULT 3 CHECK (preview_plays BETWEEN 1 AND 50);

-- One row per play started (a fresh stream URL); counted_at is set once the listener has heard
-- 30 s, or the whole track if shorter. `listener` is 'u:<user id>' or 'a:<anonymous cookie id>'.
CREATE TABLE plays (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  item_id uuid NOT NULL REFERENCES items (id) ON DELETE CASCADE,
  media_file_id uuid NOT NULL REFERENCES media_files (id) ON DELETE CASCADE,
  listener text NOT NULL CHECK (length(listener) BETWEEN 3 AND 80),
  full_stream boolean NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  counted_at timestamptz
);
CREATE INDEX plays_item_listener ON plays (item_id, listener, started_at);
CREATE INDEX plays_file_counted ON plays (media_file_id) WHERE counted_at IS NOT NULL;

-- One row per download link issued (a file in a format, or an album zip).
CREATE TABLE downloads (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  item_id uuid REFERENCES items (id) ON DELETE CASCADE,
  project_id uuid REFERENCES projects (id) ON DELETE CASCADE,
  media_file_id uuid REFERENCES media_files (id) ON DELETE CASCADE,
  listener text NOT NULL,
  format text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (item_id IS NOT NULL OR project_id IS NOT NULL)
);
CREATE INDEX downloads_item ON downloads (item_id) WHERE item_id IS NOT NULL;
CREATE INDEX downloads_project ON downloads (project_id) WHERE project_id IS NOT NULL;

-- A project's files zipped in one format. content_hash covers exactly what goes in (which
-- files, which renditions, their names), so a changed track means a new hash and a new zip.
CREATE TABLE album_zips (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  format text NOT NULL,
  content_hash text NOT NULL,
  state text NOT NULL DEFAULT 'building' CHECK (state IN ('building', 'ready', 'failed')),
  object_key text NOT NULL,
  -- What goes in, in order: [{ "name": "Artist - Album/01 Title.flac", "key": "media/…", "bytes": 123 }].
  entries jsonb NOT NULL,
  entries_total integer NOT NULL,
  entries_done integer NOT NULL DEFAULT 0,
  bytes bigint,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  ready_at timestamptz,
  last_requested_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (project_id, format, content_hash)
);
CREATE INDEX album_zips_last_requested ON album_zips (last_requested_at);
