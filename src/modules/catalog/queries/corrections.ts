// Typo correction for single transposed letters ("ambeint" → "ambient", "midnigth" →
// "midnight"), checked against the vocabulary of words that occur in some items.search_doc
// (table search_words, kept up to date by refreshSearchDocs).
//
// Why not pg_trgm alone: a swap in the middle of a short word leaves only the trigrams before it
// in one run ("ambeint" keeps "  a", " am", "amb" of "ambient": word similarity 0.375), and a
// threshold low enough for that would make the fuzzy tier re-check most of the catalogue. The
// variants of a word are few (one per adjacent pair), and each is a primary-key lookup.
import { sql } from 'kysely';
import type { Executor } from '../../../deps.ts';

/** Shorter words are not corrected: their transpositions are mostly other real words ("from" ↔ "form"). */
export const CORRECT_MIN_LENGTH = 4;
/** Longer words are not corrected: trigram similarity already tolerates a swap in them. */
export const CORRECT_MAX_LENGTH = 30;
/** A word with more known variants than this is ambiguous enough; the first ones (alphabetically) are kept. */
const MAX_CORRECTIONS_PER_WORD = 3;

/** Every string made from `word` by swapping one pair of adjacent, different characters. */
export function transpositions(word: string): string[] {
  const chars = [...word];
  const out = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) {
    if (chars[i]!.toLowerCase() === chars[i + 1]!.toLowerCase()) continue;
    const swapped = [...chars];
    [swapped[i], swapped[i + 1]] = [chars[i + 1]!, chars[i]!];
    out.add(swapped.join(''));
  }
  return [...out];
}

/** Whether a query word is one corrections are looked up for: letters and digits only, 4–30 of them. */
export function isCorrectable(word: string): boolean {
  const n = [...word].length;
  return n >= CORRECT_MIN_LENGTH && n <= CORRECT_MAX_LENGTH && /^[\p{L}\p{N}]+$/u.test(word);
}

/**
 * For each query word, what the corrected search tier lets it match: its known transposition
 * variants (normalised like search_doc), preceded by the word itself when it is a known word
 * too ("angel" may also mean "angle"); a word without corrections stays as typed. null when no
 * word has a correction, so the tier would only repeat the exact one.
 */
export async function correctTranspositions(db: Executor, words: string[]): Promise<string[][] | null> {
  const index: number[] = [];
  const text: string[] = [];
  const typed: boolean[] = [];
  words.forEach((word, i) => {
    if (!isCorrectable(word)) return;
    for (const [t, isTyped] of [[word, true], ...transpositions(word).map((v) => [v, false])] as [string, boolean][]) {
      index.push(i);
      text.push(t);
      typed.push(isTyped);
    }
  });
  if (!typed.includes(false)) return null;
  // A variant that normalises to the typed word itself ("eé" → "ée" → "ee") is no correction.
  const { rows } = await sql<{ i: number; word: string; typed: boolean }>`
    SELECT DISTINCT c.i, s.word, c.typed
    FROM unnest(${index}::int[], ${text}::text[], ${typed}::bool[]) AS c(i, t, typed)
    JOIN search_words s ON s.word = lower(immutable_unaccent(c.t))
    WHERE c.typed OR s.word <> lower(immutable_unaccent((${words}::text[])[c.i + 1]))
    ORDER BY c.i, s.word`.execute(db);
  let changed = false;
  const result = words.map((word, i) => {
    const corrections = rows.filter((r) => r.i === i && !r.typed).map((r) => r.word).slice(0, MAX_CORRECTIONS_PER_WORD);
    if (!corrections.length) return [word];
    changed = true;
    return rows.some((r) => r.i === i && r.typed) ? [word, ...corrections] : corrections;
  });
  return changed ? result : null;
}
