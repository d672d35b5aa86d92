// Public surface of the accounts module.
export { accountRoutes } from './routes.tsx';
export { loadViewer, requireAdmin, requireViewer } from './session.ts';
export { setAdminRole, pruneExpired, ensureDemoAccount, DEMO_ACCOUNT } from './service.ts';
export { accountJobs } from './jobs.ts';
export type { AccountsTables } from './tables.ts';

// Other modules' view of accounts: public identity and the creator role switch.
export { grantCreator, setDisplayName, findPublicUser } from './queries.ts';
export { canonicalUsername } from './identity.ts';
