import type { ColumnType, Generated } from 'kysely';

export interface ZipEntry { name: string; key: string; bytes: number }

export type ZipState = 'building' | 'ready' | 'failed';

export interface PlaybackTables {
  plays: {
    id: Generated<string>;
    item_id: string;
    media_file_id: string;
    listener: string;
    full_stream: boolean;
    started_at: Generated<Date>;
    counted_at: Date | null;
  };
  downloads: {
    id: Generated<number>;
    item_id: string | null;
    project_id: string | null;
    media_file_id: string | null;
    listener: string;
    format: string;
    created_at: Generated<Date>;
  };
  album_zips: {
    id: Generated<string>;
    project_id: string;
    format: string;
    content_hash: string;
    state: Generated<ZipState>;
    object_key: string;
    entries: ColumnType<ZipEntry[], string, string>;
    entries_total: number;
    entries_done: Generated<number>;
    bytes: number | null;
    error: string | null;
    created_at: Generated<Date>;
    ready_at: Date | null;
    last_requested_at: Generated<Date>;
  };
}
