// Public surface of the accounts module.
export { accountRoutes } from './routes.tsx';
export { loadViewer, requireViewer } from './session.ts';
export { setAdminRole, pruneExpired, ensureDemoAccount, DEMO_ACCOUNT } from './service.ts';
export { accountJobs } from './jobs.ts';
export type { AccountsTables } from './tables.ts';
