// Public surface of the creators module.
export { creatorRoutes, requireCreator } from './routes.tsx';
export { becomeCreator, findCreator, setAvatar, storageLimits } from './service.ts';
export type { CreatorsTables, CreatorLink } from './tables.ts';
