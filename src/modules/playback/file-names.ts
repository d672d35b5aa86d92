// Names for downloaded files and zip entries that survive every common file system: no
// characters Windows refuses (/ \ : * ? " < > |), no control or bidi-override characters, no
// trailing dots or spaces, no reserved device names (CON, NUL, COM1 …), and at most 200 UTF-8
// bytes per name (macOS and Linux allow 255 bytes; the margin leaves room for " (2)" suffixes).
// Unicode letters, emoji and right-to-left scripts are kept: they are the creator's titles.

const FORBIDDEN = /[/\\:*?"<>|\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
const MAX_BYTES = 200;

/** One path segment: a file or folder name, with `fallback` when nothing usable is left. */
export function safeSegment(name: string, fallback = 'file'): string {
  let s = name.normalize('NFC').replace(/[\t\n\r\f\v]+/g, ' ').replace(FORBIDDEN, (ch) => (ch === ':' || ch === '/' || ch === '\\' || ch === '|' ? '-' : ch <= '\u001f' || ch === '\u007f' ? '' : '_'));
  s = s.replace(/\s+/g, ' ').trim().replace(/[. ]+$/, '');
  if (!s || /^\.+$/.test(s)) s = fallback;
  if (RESERVED.test(s)) s = `_${s}`;
  return truncateUtf8(s, MAX_BYTES).replace(/[. ]+$/, '') || fallback;
}

/** A file name with its extension kept whole when the stem has to be shortened. */
export function safeFileName(stem: string, ext: string, fallback = 'file'): string {
  const cleanExt = ext.replace(/[^a-z0-9]/gi, '').slice(0, 10).toLowerCase();
  const suffix = cleanExt ? `.${cleanExt}` : '';
  const room = MAX_BYTES - Buffer.byteLength(suffix);
  const base = safeSegment(stem, fallback);
  return `${truncateUtf8(base, room).replace(/[. ]+$/, '') || fallback}${suffix}`;
}

/** Cut to at most `maxBytes` of UTF-8 without splitting a character or a surrogate pair. */
export function truncateUtf8(s: string, maxBytes: number): string {
  if (Buffer.byteLength(s) <= maxBytes) return s;
  let out = '';
  let bytes = 0;
  for (const ch of s) { // iterates code points, so emoji stay whole
    const n = Buffer.byteLength(ch);
    if (bytes + n > maxBytes) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/** "01", "02" … so tracks sort in order in every file manager. */
export function trackPrefix(position: number, total: number): string {
  return String(position).padStart(Math.max(2, String(total).length), '0');
}

/** Makes names unique within one folder (case-insensitively, as Windows and macOS compare them). */
export function uniqueNames(names: string[]): string[] {
  const seen = new Set<string>();
  return names.map((name) => {
    const dot = name.lastIndexOf('.');
    const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    let candidate = name;
    for (let n = 2; seen.has(candidate.toLowerCase()); n++) candidate = `${truncateUtf8(stem, MAX_BYTES - 8)} (${n})${ext}`;
    seen.add(candidate.toLowerCase());
    return candidate;
  });
}
