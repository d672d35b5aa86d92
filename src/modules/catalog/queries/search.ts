// SQL for discovery: the published catalogue (filters, sorts, keyset pages), tag pages and the
// tag typeahead (search itself is in text-search.ts). Plus the pure helpers that turn untrusted
// query-string values into something safe to hand to these functions.
import { sql } from 'kysely';
import type { Executor } from '../../../deps.ts';
import type { ItemType, PriceKind } from '../tables.ts';
import { TAG_MAX_DEPTH, TAG_SEGMENT_MAX } from '../tags.ts';

export type DiscoverSort = 'newest' | 'sales' | 'title';
export const DISCOVER_SORTS: DiscoverSort[] = ['newest', 'sales', 'title'];
export type PriceFilter = 'free' | 'paid';

/** Where the previous page ended: the sort key of its last row and that row's id. */
export interface Cursor { sort: DiscoverSort; key: string; id: string }

export interface ListFilters {
  type?: ItemType;
  /** A canonical tag path (see parseTagPath): the tag itself or any of its descendants. */
  tag?: string;
  price?: PriceFilter;
  sort: DiscoverSort;
  after?: Cursor | null;
  limit: number;
}

/** What a result card shows. */
export interface ItemCard {
  id: string;
  title: string;
  type: ItemType;
  price_kind: PriceKind;
  price_amount: number;
  currency: string;
  creator_username: string;
  creator_name: string;
  project_slug: string;
  project_title: string;
  /** The item's cover, else its project's (object keys; null: a placeholder is shown). */
  cover_key: string | null;
}

/** The columns of an ItemCard, from items i, projects p and users u. */
export const CARD_COLUMNS = ['i.id', 'i.title', 'i.type', 'i.price_kind', 'i.price_amount', 'i.currency',
  'u.username as creator_username', 'u.display_name as creator_name', 'p.slug as project_slug', 'p.title as project_title',
  sql<string | null>`coalesce(i.cover_key, p.cover_key)`.as('cover_key')] as const;

// ---- the published catalogue ----

/** Items that anyone may see: published, in a published project. Everything here starts from this. */
function publishedItems(db: Executor) {
  return db.selectFrom('items as i')
    .innerJoin('projects as p', 'p.id', 'i.project_id')
    .innerJoin('users as u', 'u.id', 'i.creator_id')
    .select(CARD_COLUMNS)
    .where('i.status', '=', 'published')
    .where('p.status', '=', 'published');
}

// Sort keys as text that round-trips exactly: published_at to the microsecond in UTC (a JS
// Date would drop the microseconds and skip or repeat rows), sales as digits, titles lower-cased.
const sortKey = {
  newest: sql<string>`to_char(i.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`,
  sales: sql<string>`i.sales_count::text`,
  title: sql<string>`lower(i.title)`,
} satisfies Record<DiscoverSort, unknown>;

/**
 * One page of the published catalogue, newest / most sold / by title, after an optional cursor.
 * Fetches one row more than asked to know whether a next page exists; no OFFSET anywhere.
 */
export async function listPublished(db: Executor, f: ListFilters): Promise<{ items: ItemCard[]; next: Cursor | null }> {
  let q = publishedItems(db).select(sortKey[f.sort].as('sort_key'));
  if (f.type) q = q.where('i.type', '=', f.type);
  if (f.price === 'free') q = q.where('i.price_amount', '=', 0);
  if (f.price === 'paid') q = q.where('i.price_amount', '>', 0);
  // EXISTS, so an item tagged both music and music/jazz is listed once.
  const tag = f.tag;
  if (tag) {
    q = q.where((eb) => eb.exists(eb.selectFrom('item_tags as t').select(sql`1`.as('one'))
      .whereRef('t.item_id', '=', 'i.id')
      .where((w) => w.or([w('t.tag_path', '=', tag), w('t.tag_path', 'like', `${escapeLike(tag)}/%`)]))));
  }
  const after = f.after?.sort === f.sort ? f.after : null;
  if (f.sort === 'newest') {
    q = q.where('i.published_at', 'is not', null);
    if (after) q = q.where(sql<boolean>`(i.published_at, i.id) < (${after.key}::timestamp AT TIME ZONE 'UTC', ${after.id}::uuid)`);
    q = q.orderBy('i.published_at', 'desc').orderBy('i.id', 'desc');
  } else if (f.sort === 'sales') {
    if (after) q = q.where(sql<boolean>`(i.sales_count, i.id) < (${after.key}::integer, ${after.id}::uuid)`);
    q = q.orderBy('i.sales_count', 'desc').orderBy('i.id', 'desc');
  } else {
    if (after) q = q.where(sql<boolean>`(lower(i.title), i.id) > (${after.key}, ${after.id}::uuid)`);
    q = q.orderBy(sql`lower(i.title)`).orderBy('i.id');
  }
  const rows = await q.limit(f.limit + 1).execute();
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  const next = rows.length > f.limit && last ? { sort: f.sort, key: last.sort_key, id: last.id } : null;
  return { items: page.map(({ sort_key: _k, ...card }) => card), next };
}

// ---- cursors ----

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.sort, c.key, c.id]), 'utf8').toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A cursor from the URL, fully checked; anything odd (or for another sort) means "first page". */
export function decodeCursor(raw: unknown, sort: DiscoverSort): Cursor | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 1200 || !/^[\w-]+$/.test(raw)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) return null;
  const [s, key, id] = parsed as unknown[];
  if (s !== sort || typeof key !== 'string' || typeof id !== 'string' || !UUID.test(id)) return null;
  if (sort === 'newest' && !isUtcTimestamp(key)) return null;
  if (sort === 'sales' && !(/^-?\d{1,10}$/.test(key) && Math.abs(Number(key)) <= 2 ** 31 - 1)) return null;
  if (sort === 'title' && (key.length > 400 || /[\u0000]/.test(key))) return null;
  return { sort, key, id };
}

function isUtcTimestamp(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/.test(s)) return false;
  const d = new Date(`${s.slice(0, 23)}Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 23) === s.slice(0, 23);
}

// ---- tags ----

/**
 * A tag path from a URL or a filter field, strictly: lower-case slug segments joined by '/',
 * 1–TAG_MAX_DEPTH levels. Anything else ('..', empty levels, upper case, 50 levels) is null.
 */
export function parseTagPath(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > TAG_MAX_DEPTH * (TAG_SEGMENT_MAX + 1)) return null;
  const parts = raw.split('/');
  if (parts.length > TAG_MAX_DEPTH) return null;
  return parts.every((p) => p.length <= TAG_SEGMENT_MAX && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(p)) ? raw : null;
}

export function findTag(db: Executor, path: string) {
  return db.selectFrom('tags').select(['path', 'name', 'parent', 'depth']).where('path', '=', path).executeTakeFirst();
}

/** Tag counts stop at this many tagged rows: a page shows "100+ items", not an exact 16 668. */
export const TAG_COUNT_CAP = 100;

export interface TagCount { path: string; name: string; count: number; more: boolean }

/**
 * The tags one level below `parent` (top-level tags when null) that publicly visible items carry,
 * themselves or through a descendant, with how many such items (`more`: at least that many).
 * Each child's subtree is an index range on item_tags (text_pattern_ops: `~>=~ 'a/'` and
 * `~<~ 'a0'` bracket every 'a/…'), read up to TAG_COUNT_CAP rows, so a page costs the same
 * however popular its tags are.
 */
export async function childTagsWithCounts(db: Executor, parent: string | null): Promise<TagCount[]> {
  const { rows } = await sql<{ path: string; name: string; n: number; seen: number }>`
    SELECT c.path, c.name, s.n, s.seen FROM tags c
    CROSS JOIN LATERAL (
      SELECT count(DISTINCT x.item_id)::int AS n, count(*)::int AS seen FROM (
        SELECT t.item_id FROM item_tags t
        JOIN items i ON i.id = t.item_id AND i.status = 'published'
        JOIN projects p ON p.id = i.project_id AND p.status = 'published'
        WHERE t.tag_path = c.path OR (t.tag_path ~>=~ (c.path || '/') AND t.tag_path ~<~ (c.path || '0'))
        LIMIT ${TAG_COUNT_CAP}
      ) x
    ) s
    WHERE ${parent === null ? sql`c.parent IS NULL` : sql`c.parent = ${parent}`} AND s.n > 0
    ORDER BY c.path`.execute(db);
  return rows.map((r) => ({ path: r.path, name: r.name, count: r.n, more: r.seen >= TAG_COUNT_CAP }));
}

export const SUGGEST_LIMIT = 10;

/**
 * Existing tag paths for the editor's typeahead: paths starting with the text first, then paths
 * with a level starting with it, then any other path containing it; shallow before deep. `q`
 * must come from normalizeTagQuery (slug characters and '/'); `exclude`: paths already chosen.
 * The tags table is a small vocabulary (every path and its ancestors), so a scan of it is cheap.
 */
export async function suggestTags(db: Executor, q: string, exclude: string[] = [], limit = SUGGEST_LIMIT): Promise<string[]> {
  if (!q) return [];
  const e = escapeLike(q);
  let query = db.selectFrom('tags').select('path').where('path', 'like', `%${e}%`);
  if (exclude.length) query = query.where('path', 'not in', exclude.slice(0, 50));
  const rows = await query
    .orderBy(sql`CASE WHEN path LIKE ${`${e}%`} THEN 0 WHEN path LIKE ${`%/${e}%`} THEN 1 ELSE 2 END`)
    .orderBy('depth').orderBy('path')
    .limit(limit).execute();
  return rows.map((r) => r.path);
}

/** Typeahead text → the characters a tag path can contain ("Électro/Hip Hop" → "electro/hip-hop"). */
export function normalizeTagQuery(raw: unknown): string {
  if (typeof raw !== 'string') return '';
  return raw.slice(0, 400).normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase()
    .split('/').map((s) => s.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, ''))
    .join('/').replace(/\/{2,}/g, '/').replace(/^\/+/, '').slice(0, 120);
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, '\\$&');
}
