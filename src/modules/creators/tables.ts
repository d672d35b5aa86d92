import type { ColumnType, Generated } from 'kysely';

export interface CreatorsTables {
  creator_tiers: {
    code: string;
    name: string;
    per_file_bytes: number;
    total_bytes: number;
    position: number;
  };
  creators: {
    user_id: string;
    tier: string;
    payout_currency: string;
    bio: Generated<string>;
    links: ColumnType<CreatorLink[], string | undefined, string>;
    /** Object key of the avatar image (set by the media module once processed). */
    avatar_key: Generated<string | null>;
    created_at: Generated<Date>;
  };
}

export interface CreatorLink { label: string; url: string }
