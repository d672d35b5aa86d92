// Display helpers for playback views.
export { formatBytes } from '../../media/index.ts';
export { formatClock } from '../../../ui/format.ts';
