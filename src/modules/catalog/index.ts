// Public surface of the catalog module: projects, items, prices, tags, discover and search.
export { dashboardRoutes } from './routes/dashboard.tsx';
export { discoveryRoutes } from './routes/discovery.tsx';
export { publicRoutes } from './routes/public.tsx';
export { seedDemoCatalog } from './demo.ts';
export type { CatalogTables } from './tables.ts';
