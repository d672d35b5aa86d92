// Public surface of the media module: uploads, the media parts of dashboard pages, public
// cover/avatar images, what an item's files are (for the item page and the player), jobs.
export { uploadApiRoutes, dashboardMediaRoutes, publicImageRoutes } from './routes.tsx';
export { streamedUploadRoutes } from './upload-form.tsx';
export { mediaJobs } from './jobs.ts';
export { avatarSection, itemFilesSection, projectMediaSections, storageMeter } from './sections.tsx';
export { itemMedia, type ItemMediaFile } from './item-media.ts';
export { imageUrl, imageSrcset, listCoverUrls, pageCover, type CoverRow } from './images.ts';
export { storageUsed, reprocessFileAsAdmin, MEDIA_PROCESS_JOB, UPLOADS_CLEANUP_JOB } from './uploads-service.ts';
export { MEDIA_PURGE_JOB } from './purge.ts';
export { ingestIfMissing, ingestLocalFile } from './single-upload.ts';
export { sweepStaleScratch } from './scratch.ts';
export { reportCodecs } from './codecs.ts';
export { importFolder, waitForFiles, type ImportResult } from './import.ts';
export type { MediaTables, MediaState, MediaPurpose } from './tables.ts';
// For playback and downloads: ready files with their renditions.
export { readyMediaFile, readyMediaOfItems, type ReadyMedia, type Rendition } from './ready-media.ts';
export { previewKind, requestPreviewClip } from './preview-clip.ts';
export { formatBytes } from './limits.ts';
