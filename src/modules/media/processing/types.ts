// Shared shapes of the processing library. Everything here is plain data the job handler stores.

export type Kind = 'audio' | 'video' | 'image' | 'archive' | 'other';

export type State = 'ready' | 'failed' | 'quarantined';

export type OutputRole =
  | 'stream'
  | 'download:original'
  | 'download:mp3-320'
  | 'download:mp3-v0'
  | 'download:flac'
  | 'download:opus'
  | 'download:aac'
  | 'waveform'
  | 'cover'
  | 'poster'
  | 'poster-webp'
  | `video-${number}p`
  | `thumb-${number}`;

export interface Output {
  role: OutputRole;
  /** Absolute path under workDir (or the input itself for download:original). */
  path: string;
  contentType: string;
  bytes: number;
}

/** Tags a creator typed in; they override what the file carries. */
export interface TagInput {
  title?: string;
  artist?: string;
  album?: string;
  trackNumber?: number;
}

/**
 * The file itself is at fault (corrupt, unsupported, too large): the job should not retry and
 * the reason is shown to the creator as is, so it must be plain words.
 */
export class ProcessingError extends Error {
  constructor(readonly reason: string, readonly state: 'failed' | 'quarantined' = 'failed') {
    super(reason);
  }
}
