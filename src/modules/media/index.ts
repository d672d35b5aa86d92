// Public surface of the media module: uploads, the files section of the item page, jobs.
export { uploadApiRoutes, dashboardMediaRoutes } from './routes.tsx';
export { streamedUploadRoutes } from './upload-form.tsx';
export { mediaJobs } from './jobs.ts';
export { FilesSection } from './views/files.tsx';
export { listItemFiles, storageUsed, reprocessFileAsAdmin, MEDIA_PROCESS_JOB, UPLOADS_CLEANUP_JOB } from './uploads-service.ts';
export type { MediaTables, MediaState } from './tables.ts';
// For playback and downloads: ready files with their renditions.
export { readyMediaFile, readyMediaOfItems, type ReadyMedia, type Rendition } from './ready-media.ts';
export { previewKind, requestPreviewClip } from './preview-clip.ts';
export { formatBytes } from './limits.ts';
