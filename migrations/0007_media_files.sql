-- owner: media
-- Uploaded files (originals) and their derivatives, and the resumable upload sessions that
-- bring originals in. The database stores object keys only; the key layout is built in
-- src/modules/media/keys.ts.

CREATE TABLE media_files (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  creator_id    uuid NOT NULL REFERENCES creators (user_id) ON DELETE CASCADE,
  item_id       uuid NOT NULL REFERENCES items (id) ON DELETE CASCADE,
  version_id    uuid REFERENCES item_versions (id) ON DELETE SET NULL,
  -- For display only (sanitised: no control or bidi-override characters, no slashes).
  original_name text NOT NULL CHECK (length(original_name) BETWEEN 1 AND 255),
  declared_size bigint NOT NULL CHECK (declared_size >= 0),
  declared_type text NOT NULL DEFAULT '' CHECK (length(declared_type) <= 255),
  -- Where the upload lands, and where the original lives once processed.
  incoming_key  text NOT NULL,
  object_key    text,
  state         text NOT NULL DEFAULT 'uploading'
                CHECK (state IN ('uploading', 'uploaded', 'processing', 'ready', 'failed', 'quarantined')),
  state_reason  text,
  -- A checksum the uploader sent (hex SHA-256); processing compares it with the real one.
  declared_sha256 text CHECK (declared_sha256 ~ '^[0-9a-f]{64}$'),
  sha256        text CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  bytes         bigint CHECK (bytes >= 0),
  -- What processing found (by probing the content, not the name): kind and its metadata.
  kind          text CHECK (kind IN ('audio', 'video', 'image', 'archive', 'other')),
  metadata      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
  created_at    timestamptz NOT NULL DEFAULT now(),
  uploaded_at   timestamptz,
  ready_at      timestamptz,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (state IN ('failed', 'quarantined') OR state_reason IS NULL)
);
CREATE INDEX media_files_item_idx ON media_files (item_id, created_at);
CREATE INDEX media_files_creator_idx ON media_files (creator_id);

-- Renditions, previews, waveforms… made by processing. Counted in the creator's storage.
CREATE TABLE media_derivatives (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  media_file_id uuid NOT NULL REFERENCES media_files (id) ON DELETE CASCADE,
  kind          text NOT NULL CHECK (kind ~ '^[a-z0-9][a-z0-9_.-]{0,63}$'),
  object_key    text NOT NULL,
  content_type  text NOT NULL,
  bytes         bigint NOT NULL CHECK (bytes >= 0),
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (media_file_id, kind)   -- re-running processing replaces, never duplicates
);

CREATE TABLE upload_sessions (
  media_file_id uuid PRIMARY KEY REFERENCES media_files (id) ON DELETE CASCADE,
  upload_id     text NOT NULL,           -- the store's multipart upload id
  part_size     bigint NOT NULL CHECK (part_size > 0),
  part_count    integer NOT NULL CHECK (part_count BETWEEN 1 AND 10000),
  expires_at    timestamptz NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX upload_sessions_expiry_idx ON upload_sessions (expires_at);
