// Public surface of the catalog module: projects, items, prices, tags, discover and search.
export { dashboardRoutes } from './routes/dashboard.tsx';
export { discoveryRoutes } from './routes/discovery.tsx';
export { publicRoutes } from './routes/public.tsx';
export { DEMO_PROJECT_COVER, demoCatalog, publishDemoDrafts, seedDemoCatalog } from './demo.ts';
export type { CatalogTables, PriceKind, ItemType } from './tables.ts';
// For commerce: what an item or album costs and who sells it, and the sales count it maintains.
export { addItemSales, findItem } from './queries/items.ts';
export { findProjectForSale, publishedProjectItems } from './queries/album.ts';
// For creators: a new display name must reach the search documents of the creator's items.
export { refreshSearchDocs } from './queries/items.ts';
export { formatMoney, parseMoney, toDecimalString, splitLargestRemainder } from './money.ts';
// For the media module: uploads attach to items the creator owns; a published item whose last
// usable file goes (deleted, failed, quarantined) is taken off sale.
export { deletingLeavesItemEmpty, getOwnedItem, listVersions, withdrawIfEmpty } from './items-service.ts';
// For playback: items and projects with what access checks, queues and zips need.
export { getVisibleProject } from './projects-service.ts';
export { itemSummaries } from './queries/items.ts';
// For the library (commerce): covers of what was bought, shown as the catalog shows them.
export { coverKeysOf } from './queries/items.ts';
export { Cover, type CoverUrls } from './views/shared.tsx';
export type { PreviewMode } from './tables.ts';
// For the media module: covers, once an uploaded image is processed (null removes one).
export { checkObjectKey, setItemCover, setProjectCover, type CoverOwner } from './covers.ts';
// For the media module: what processing writes into files, album tracks, imports.
export { getOwnedProject } from './projects-service.ts';
export {
  albumBase, applyTrackTags, createFileItem, createImportProject, createTrackItem, deleteTrackItem, itemMediaContext, itemsUsingProjectCover, projectItems,
  type ItemMediaContext,
} from './media-hooks.ts';
