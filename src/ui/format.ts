// Formats every page shares.

/**
 * A duration or position as a clock: 213.97 → "3:33", 3725 → "1:02:05". Whole seconds rounded
 * down, as the players count (player.js), so a track reads the same length everywhere.
 */
export function formatClock(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
