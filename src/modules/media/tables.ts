import type { ColumnType, Generated } from 'kysely';

export type MediaState = 'uploading' | 'uploaded' | 'processing' | 'ready' | 'failed' | 'quarantined';
export const FINAL_STATES: readonly MediaState[] = ['ready', 'failed', 'quarantined'];

export interface MediaTables {
  media_files: {
    id: Generated<string>;
    creator_id: string;
    item_id: string;
    version_id: string | null;
    original_name: string;
    declared_size: number;
    declared_type: Generated<string>;
    incoming_key: string;
    object_key: string | null;
    state: Generated<MediaState>;
    state_reason: string | null;
    declared_sha256: string | null;
    sha256: string | null;
    bytes: number | null;
    kind: 'audio' | 'video' | 'image' | 'archive' | 'other' | null;
    metadata: ColumnType<Record<string, unknown>, string | undefined, string>;
    created_at: Generated<Date>;
    uploaded_at: Date | null;
    ready_at: Date | null;
    updated_at: Generated<Date>;
  };
  media_derivatives: {
    id: Generated<string>;
    media_file_id: string;
    kind: string;
    object_key: string;
    content_type: string;
    bytes: number;
    created_at: Generated<Date>;
  };
  upload_sessions: {
    media_file_id: string;
    upload_id: string;
    part_size: number;
    part_count: number;
    expires_at: Date;
    created_at: Generated<Date>;
  };
}
