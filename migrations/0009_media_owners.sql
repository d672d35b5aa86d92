-- owner: media
-- What a media file belongs to (an item's files, an item or project cover, a creator's
-- avatar), storage reserved for derivatives still to be made, album uploads that take their
-- titles from the files' tags, and the purge queue that deletes stored objects of deleted files.

-- items.cover_key and creators.avatar_key belong to catalog and creators; another change adds
-- them too, so both orders of applying the two work.
ALTER TABLE items ADD COLUMN IF NOT EXISTS cover_key text;
ALTER TABLE creators ADD COLUMN IF NOT EXISTS avatar_key text;

ALTER TABLE media_files ALTER COLUMN item_id DROP NOT NULL;
ALTER TABLE media_files
  ADD COLUMN purpose text NOT NULL DEFAULT 'item'
    CHECK (purpose IN ('item', 'item_cover', 'project_cover', 'avatar')),
  ADD COLUMN project_id uuid REFERENCES projects (id) ON DELETE CASCADE,
  -- Bytes held back at upload start for the renditions processing will make (audio, video),
  -- released once the real derivative sizes are known.
  ADD COLUMN reserved_bytes bigint NOT NULL DEFAULT 0 CHECK (reserved_bytes >= 0),
  -- Album uploads: the item's title and position come from the file's own tags once processed
  -- (position = track_base + track number). NULL for ordinary uploads.
  ADD COLUMN track_base integer CHECK (track_base >= 0),
  ADD CONSTRAINT media_files_owner_check CHECK (
    (purpose IN ('item', 'item_cover') AND item_id IS NOT NULL AND project_id IS NULL)
    OR (purpose = 'project_cover' AND project_id IS NOT NULL AND item_id IS NULL)
    OR (purpose = 'avatar' AND item_id IS NULL AND project_id IS NULL));
CREATE INDEX media_files_project_idx ON media_files (project_id) WHERE project_id IS NOT NULL;

-- Deleting a file row (directly, or by cascade from its item, project or creator) queues its
-- stored objects for deletion; the media_purge job deletes them, so a storage outage never
-- blocks a delete. Rows hold ids and keys as stored; the key layout stays in keys.ts.
CREATE TABLE media_purges (
  media_file_id uuid PRIMARY KEY,           -- no foreign key: the file row is gone
  creator_id    uuid NOT NULL,
  incoming_key  text NOT NULL,
  upload_id     text,                       -- an unfinished multipart upload to abort
  attempts      integer NOT NULL DEFAULT 0,
  last_error    text,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- BEFORE, so the upload session (deleted by the cascade) can still be read.
CREATE FUNCTION media_files_queue_purge() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO media_purges (media_file_id, creator_id, incoming_key, upload_id)
  VALUES (OLD.id, OLD.creator_id, OLD.incoming_key,
          (SELECT upload_id FROM upload_sessions WHERE media_file_id = OLD.id))
  ON CONFLICT (media_file_id) DO NOTHING;
  -- One pending purge job (job_key): a bulk delete queues one job, visible once it commits.
  PERFORM graphile_worker.add_job('media_purge', '{}'::json, job_key => 'media_purge', max_attempts => 25);
  RETURN OLD;
END $$;

CREATE TRIGGER media_files_purge BEFORE DELETE ON media_files
  FOR EACH ROW EXECUTE FUNCTION media_files_queue_purge();
