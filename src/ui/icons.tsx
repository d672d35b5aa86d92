// Media control icons as inline SVG (glyphs like ⏮ are missing from many fonts). Decorative:
// the buttons carry their own labels.
const PATHS = {
  play: 'M8 5v14l11-7z',
  pause: 'M6 5h4v14H6zm8 0h4v14h-4z',
  prev: 'M6 6h2v12H6zm3.5 6 8.5 6V6z',
  next: 'M16 6h2v12h-2zM6 18l8.5-6L6 6z',
} as const;

export function Icon(p: { name: keyof typeof PATHS; class?: string }) {
  return (
    <svg class={`icon ${p.class ?? ''}`} viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
      <path d={PATHS[p.name]} fill="currentColor" />
    </svg>
  );
}

/** Play and pause in one button; CSS shows one of them by the button's .is-playing class. */
export function PlayPauseIcons() {
  return <><Icon name="play" class="icon-play" /><Icon name="pause" class="icon-pause" /></>;
}
