-- owner: catalog
-- Projects, items (with prices, versions, chapters), hierarchical
-- tags, and the search document that discover and search read.

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

-- unaccent() is only STABLE (its dictionary could change), so it cannot be used in an index.
-- Pinning the dictionary makes this wrapper safe to declare IMMUTABLE.
CREATE FUNCTION immutable_unaccent(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;

CREATE TABLE projects (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  creator_id  uuid NOT NULL REFERENCES creators (user_id) ON DELETE CASCADE,
  slug        text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 80),
  title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '',     -- markdown
  status      text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'unpublished')),
  cover_key   text,                         -- object key, set by the media module
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (creator_id, slug)
);

CREATE TABLE items (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id      uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  creator_id      uuid NOT NULL REFERENCES creators (user_id) ON DELETE CASCADE,
  type            text NOT NULL CHECK (type IN ('audio', 'video', 'text', 'download', 'image')),
  title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  description     text NOT NULL DEFAULT '',
  body            text NOT NULL DEFAULT '',  -- text items: markdown, with an optional preview marker
  release_date    date,
  credits         text NOT NULL DEFAULT '',
  ai_use          text CHECK (ai_use IN ('handmade', 'assisted', 'generated')),
  ai_statement    text NOT NULL DEFAULT '',
  status          text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'unpublished')),
  published_at    timestamptz,
  position        integer NOT NULL DEFAULT 0,
  price_kind      text NOT NULL DEFAULT 'free' CHECK (price_kind IN ('free', 'fixed', 'pwyw')),
  price_amount    bigint NOT NULL DEFAULT 0 CHECK (price_amount >= 0),  -- fixed price or PWYW minimum, minor units
  price_suggested bigint CHECK (price_suggested >= price_amount),
  currency        char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  sales_count     integer NOT NULL DEFAULT 0,  -- maintained by commerce
  -- unaccented, lower-cased title + project + creator + tags: what search matches against
  search_doc      text NOT NULL DEFAULT '',
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (status <> 'published' OR ai_use IS NOT NULL),
  CHECK (price_kind <> 'fixed' OR price_amount > 0)
);
CREATE INDEX items_project_idx ON items (project_id, position);
CREATE INDEX items_creator_idx ON items (creator_id);
CREATE INDEX items_published_idx ON items (published_at DESC, id DESC) WHERE status = 'published';
CREATE INDEX items_search_idx ON items USING gin (search_doc gin_trgm_ops) WHERE status = 'published';

CREATE TABLE item_versions (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  item_id     uuid NOT NULL REFERENCES items (id) ON DELETE CASCADE,
  label       text NOT NULL CHECK (length(label) BETWEEN 1 AND 50),
  released_on date NOT NULL DEFAULT current_date,
  changelog   text NOT NULL DEFAULT '',
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (item_id, label)
);

CREATE TABLE item_chapters (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  item_id       uuid NOT NULL REFERENCES items (id) ON DELETE CASCADE,
  title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  start_seconds integer NOT NULL CHECK (start_seconds >= 0),
  UNIQUE (item_id, start_seconds)
);

-- Tag paths like music/electronic/ambient; every ancestor exists as its own row.
CREATE TABLE tags (
  path      text PRIMARY KEY CHECK (path ~ '^[a-z0-9]+(-[a-z0-9]+)*(/[a-z0-9]+(-[a-z0-9]+)*){0,7}$'),
  name      text NOT NULL,
  parent    text REFERENCES tags (path),
  depth     integer NOT NULL
);
CREATE INDEX tags_parent_idx ON tags (parent);
CREATE INDEX tags_path_pattern_idx ON tags (path text_pattern_ops);

CREATE TABLE item_tags (
  item_id  uuid NOT NULL REFERENCES items (id) ON DELETE CASCADE,
  tag_path text NOT NULL REFERENCES tags (path),
  PRIMARY KEY (item_id, tag_path)
);
CREATE INDEX item_tags_tag_idx ON item_tags (tag_path text_pattern_ops, item_id);
