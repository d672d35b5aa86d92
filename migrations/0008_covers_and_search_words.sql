-- owner: catalog (items.cover_key, search_words); creators (creators.avatar_key)
-- Cover and avatar keys (object keys set by the media module; NULL shows a placeholder), and
-- the vocabulary of search words that typo correction looks variants up in.

-- IF NOT EXISTS: the media change adds the same two columns, so either order of applying works.
ALTER TABLE items ADD COLUMN IF NOT EXISTS cover_key text;      -- object key, set by the media module
ALTER TABLE creators ADD COLUMN IF NOT EXISTS avatar_key text;  -- object key, set by the media module

-- Every distinct word of every items.search_doc (lower case, unaccented, split at anything that
-- is not a letter or digit). Search checks a misspelt query word's single-transposition variants
-- against it by primary key ("ambeint" → "ambient"), which pg_trgm cannot do cheaply: a swap in
-- the middle of a short word destroys most of its trigrams. refreshSearchDocs adds words as
-- documents change; words that no longer occur anywhere only cost a wasted lookup (a correction
-- that then matches nothing), so they are not tracked down.
CREATE TABLE search_words (
  word text PRIMARY KEY CHECK (length(word) BETWEEN 1 AND 200)
);
INSERT INTO search_words (word)
  SELECT DISTINCT w FROM items, regexp_split_to_table(search_doc, '[^[:alnum:]]+') AS w
  WHERE length(w) BETWEEN 4 AND 200
  ON CONFLICT DO NOTHING;
