import type { ColumnType, Generated } from 'kysely';

export type PublishStatus = 'draft' | 'published' | 'unpublished';
export type ItemType = 'audio' | 'video' | 'text' | 'download' | 'image';
export type AiUse = 'handmade' | 'assisted' | 'generated';
export type PriceKind = 'free' | 'fixed' | 'pwyw';
/** What visitors who have not bought an item may hear or see (enforced by playback). */
export type PreviewMode = 'off' | 'clip' | 'plays';

/** A date column we read and write as 'YYYY-MM-DD' strings (no time zone surprises). */
type DateOnly = ColumnType<string, string | null | undefined, string | null>;

export interface CatalogTables {
  projects: {
    id: Generated<string>;
    creator_id: string;
    slug: string;
    title: string;
    description: Generated<string>;
    status: Generated<PublishStatus>;
    cover_key: string | null;
    /** The album price: null when the project is not sold as a whole (see album-price.ts). */
    price_kind: PriceKind | null;
    price_amount: Generated<number>;
    price_suggested: number | null;
    /** Set when the album price is first saved. */
    currency: string | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  items: {
    id: Generated<string>;
    project_id: string;
    creator_id: string;
    type: ItemType;
    title: string;
    description: Generated<string>;
    body: Generated<string>;
    release_date: DateOnly | null;
    credits: Generated<string>;
    ai_use: AiUse | null;
    ai_statement: Generated<string>;
    status: Generated<PublishStatus>;
    published_at: Date | null;
    position: Generated<number>;
    price_kind: Generated<PriceKind>;
    price_amount: Generated<number>;
    price_suggested: number | null;
    currency: string;
    sales_count: Generated<number>;
    preview_mode: Generated<PreviewMode>;
    preview_seconds: Generated<number>;
    preview_plays: Generated<number>;
    /** Object key of the item's own cover image (set by the media module once processed). */
    cover_key: Generated<string | null>;
    search_doc: Generated<string>;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  item_versions: {
    id: Generated<string>;
    item_id: string;
    label: string;
    released_on: DateOnly;
    changelog: Generated<string>;
    created_at: Generated<Date>;
  };
  item_chapters: {
    id: Generated<string>;
    item_id: string;
    title: string;
    start_seconds: number;
  };
  tags: {
    path: string;
    name: string;
    parent: string | null;
    depth: number;
  };
  item_tags: {
    item_id: string;
    tag_path: string;
  };
  /** Every word of some items.search_doc: what typo correction checks variants against. */
  search_words: {
    word: string;
  };
}
