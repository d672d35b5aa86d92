// Public surface of the admin module: the /admin index of admin pages.
export { adminRoutes } from './routes.tsx';
