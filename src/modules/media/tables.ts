import type { ColumnType, Generated } from 'kysely';

export type MediaState = 'uploading' | 'uploaded' | 'processing' | 'ready' | 'failed' | 'quarantined';
export type MediaPurpose = 'item' | 'item_cover' | 'project_cover' | 'avatar';
export const IMAGE_PURPOSES: readonly MediaPurpose[] = ['item_cover', 'project_cover', 'avatar'];
export const FINAL_STATES: readonly MediaState[] = ['ready', 'failed', 'quarantined'];

export interface MediaTables {
  media_files: {
    id: Generated<string>;
    creator_id: string;
    /** What the file belongs to: an item's files, an item or project cover, or the creator's avatar. */
    purpose: Generated<MediaPurpose>;
    item_id: string | null;
    project_id: string | null;
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
    /** Held back for the renditions processing will make; released when their sizes are known. */
    reserved_bytes: Generated<number>;
    /** Album uploads: take title and track position from the file's tags (position = base + track). */
    track_base: number | null;
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
  media_purges: {
    media_file_id: string;
    creator_id: string;
    incoming_key: string;
    upload_id: string | null;
    attempts: Generated<number>;
    last_error: string | null;
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
