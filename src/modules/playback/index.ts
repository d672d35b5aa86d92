// Public surface of the playback module: who may stream or download what (accessTo), the
// routes that hand out signed URLs, the item and project pages' media sections, and its jobs.
export { accessTo, type Access, type ItemForAccess, type Listener } from './access.ts';
export { playbackRoutes } from './routes.tsx';
export { playbackJobs, ZIP_CLEANUP_JOB } from './jobs.ts';
export { itemMediaSection, libraryActions, projectMediaSection } from './sections.tsx';
