// Public surface of the mail module.
export { queueMail } from './service.ts';
export { mailJobs } from './jobs.ts';
export { mailboxRoutes } from './routes.tsx';
export type { MailTables } from './tables.ts';
