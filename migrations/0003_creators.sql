-- owner: creators
-- Creator accounts: the tier (storage envelope), payout currency and public profile.

-- The storage envelope per tier; every tier gets every feature. Kept as data so limits can
-- change without a deploy.
CREATE TABLE creator_tiers (
  code           text PRIMARY KEY,
  name           text NOT NULL,
  per_file_bytes bigint NOT NULL CHECK (per_file_bytes > 0),
  total_bytes    bigint NOT NULL CHECK (total_bytes > 0),
  position       integer NOT NULL
);
INSERT INTO creator_tiers (code, name, per_file_bytes, total_bytes, position) VALUES
  ('basic',       'Basic',       10 * 1000 * 1000::bigint,          50 * 1000 * 1000 * 1000::bigint, 1),
  ('small_files', 'Small Files', 500 * 1000 * 1000::bigint,        250 * 1000 * 1000 * 1000::bigint, 2),
  ('big_files',   'Big Files',   20 * 1000 * 1000 * 1000::bigint,  500 * 1000 * 1000 * 1000::bigint, 3),
  ('everything',  'Everything',  20 * 1000 * 1000 * 1000::bigint,  500 * 1000 * 1000 * 1000::bigint, 4);

CREATE TABLE creators (
  user_id         uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  tier            text NOT NULL REFERENCES creator_tiers (code),
  payout_currency char(3) NOT NULL CHECK (payout_currency ~ '^[A-Z]{3}$'),
  bio             text NOT NULL DEFAULT '',   -- markdown
  links           jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(links) = 'array'),
  created_at      timestamptz NOT NULL DEFAULT now()
);

