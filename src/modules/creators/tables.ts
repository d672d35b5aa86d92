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
    created_at: Generated<Date>;
  };
}

export interface CreatorLink { label: string; url: string }
