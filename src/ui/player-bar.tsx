// The site-wide audio player, outside the #page region that boosted navigation swaps, so a
// track keeps playing while the fan browses. Hidden until player.js plays something; without
// JavaScript each track has its own native <audio controls> instead.
import { Icon, PlayPauseIcons } from './icons.tsx';
export function PlayerBar() {
  return (
    <section id="player" class="player" aria-label="Audio player" hidden>
      <audio id="player-audio" preload="auto" />
      <div class="player-buttons">
        <button type="button" class="player-button" data-action="prev" aria-label="Previous track"><Icon name="prev" /></button>
        <button type="button" class="player-button player-toggle" data-action="toggle" aria-label="Play"><PlayPauseIcons /></button>
        <button type="button" class="player-button" data-action="next" aria-label="Next track"><Icon name="next" /></button>
      </div>
      <div class="player-main">
        <p class="player-now">
          <a class="player-title" href="/">—</a> <span class="player-artist muted" />
          <span class="player-note" role="status" aria-live="polite" />
        </p>
        <div class="player-wave" role="slider" tabindex={0} aria-label="Seek" aria-valuemin={0} aria-valuemax={0} aria-valuenow={0} aria-valuetext="0:00">
          <canvas class="player-canvas" height="40" />
        </div>
      </div>
      <p class="player-time"><span data-time>0:00</span> / <span data-duration>0:00</span></p>
      <button type="button" class="player-button" data-action="close" aria-label="Close the player">✕</button>
    </section>
  );
}
