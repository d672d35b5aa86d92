-- owner: catalog
-- Indexes for the discover sorts other than "newest" (items_published_idx covers that one), so
-- every keyset page is an index range scan instead of a sort of the whole published catalogue.
-- Each matches its ORDER BY and row comparison in queries/search.ts exactly.

CREATE INDEX items_sales_idx ON items (sales_count DESC, id DESC) WHERE status = 'published';
CREATE INDEX items_title_idx ON items (lower(title), id) WHERE status = 'published';
