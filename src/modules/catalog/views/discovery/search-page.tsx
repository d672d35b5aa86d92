// /search: one input. Without JS the form submits normally; with htmx the input fetches results
// as you type (250 ms after the last keystroke) and swaps only #search-results, pushing the URL.
import type { SearchHit } from '../../queries/text-search.ts';
import type { CoverUrls } from '../shared.tsx';
import { EmptyState, ResultList } from './results.tsx';

export const SEARCH_REGION = 'search-results';

export interface SearchView {
  q: string;
  /** null when no search ran (empty query). */
  hits: SearchHit[] | null;
  limit: number;
  truncated: boolean;
  /** Cover image URLs by item id, once the media module provides them (else placeholders). */
  coverUrls?: CoverUrls;
}

export function SearchPage(p: SearchView) {
  return (
    <section class="disc disc-search">
      <h1>Search</h1>
      <form method="get" action="/search" role="search" class="disc-search-form">
        <label for="search-q" class="visually-hidden">Search titles, projects, creators and tags</label>
        <input id="search-q" type="search" name="q" value={p.q} maxlength={200} autocomplete="off" autofocus={!p.q}
          placeholder="Titles, creators, projects, tags…" aria-describedby="search-hint"
          hx-get="/search" hx-trigger="input changed delay:250ms, search" hx-target={`#${SEARCH_REGION}`}
          hx-select={`#${SEARCH_REGION}`} hx-swap="outerHTML" hx-push-url="true" hx-indicator="#search-busy" />
        <button type="submit" class="button">Search</button>
        <span id="search-busy" class="htmx-indicator muted" aria-hidden="true">Searching…</span>
      </form>
      <p id="search-hint" class="hint">Spelling and accents don’t need to be exact.</p>
      <SearchResults {...p} />
    </section>
  );
}

export function SearchResults(p: SearchView) {
  return (
    <div id={SEARCH_REGION} class="disc-results" aria-live="polite">
      {p.truncated ? <p class="disc-notices">That was a long query: we searched for its first 200 characters.</p> : null}
      {p.hits === null ? (
        <EmptyState><p>What are you looking for? Type a title, a creator, a project or a tag like “ambient”.</p>
          <p>Or <a href="/discover">browse everything</a> and the <a href="/tags">tags</a>.</p></EmptyState>
      ) : p.hits.length === 0 ? (
        <EmptyState><p>No matches for “{p.q}”.</p>
          <p>Try fewer or different words, or <a href="/discover">browse everything</a>.</p></EmptyState>
      ) : (
        <>
          <p class="disc-count muted">
            {p.hits.length >= p.limit ? `The ${p.limit} best matches` : `${p.hits.length} ${p.hits.length === 1 ? 'match' : 'matches'}`} for “{p.q}”
          </p>
          <ResultList items={p.hits} coverUrls={p.coverUrls} />
        </>
      )}
    </div>
  );
}
