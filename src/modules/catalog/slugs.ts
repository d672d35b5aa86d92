// URL slugs for projects: readable, ASCII, stable. "Café Noir — Live!" → "cafe-noir-live".

export const SLUG_MAX = 80;

export function slugify(title: string): string {
  const ascii = title.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
  const slug = ascii.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, SLUG_MAX).replace(/-+$/, '');
  return slug;
}

/** The first of slug, slug-2, slug-3 … not in `taken`. Falls back to "project" for titles with no ASCII at all. */
export function uniqueSlug(base: string, taken: Set<string>): string {
  const root = base || 'project';
  if (!taken.has(root)) return root;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = root.slice(0, SLUG_MAX - suffix.length).replace(/-+$/, '') + suffix;
    if (!taken.has(candidate)) return candidate;
  }
}
