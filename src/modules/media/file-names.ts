// Original file names are shown back to creators (and offered as download names), never used
// as paths or keys. Emoji, ":" and right-to-left scripts are kept; what could mislead or break
// a page is removed: control characters, bidi overrides (which can make "exe.mp3" read as
// "3pm.exe"), and path separators (a folder upload's "album/01.flac" keeps only "01.flac").
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;
const INVISIBLE = /[\u200b-\u200d\u2060\ufeff]/g; // zero-width characters (ZWJ kept inside emoji below)

export const NAME_MAX = 255;

export function displayFileName(raw: string): string {
  const base = raw.split(/[/\\]/).filter(Boolean).pop() ?? '';
  const cleaned = base.normalize('NFC')
    .replace(CONTROL, '')
    .replace(BIDI_CONTROLS, '')
    // Keep U+200D (zero-width joiner) between emoji ("👩‍🎤"); drop other invisible characters.
    .replace(INVISIBLE, (ch, i: number, s: string) => (ch === '\u200d' && /\p{Extended_Pictographic}/u.test(s[i - 1] ?? '') ? ch : ''))
    .replace(/\s+/g, ' ')
    .trim();
  const chars = [...cleaned];
  // Cut by code points (not UTF-16 units, which would split an emoji), keeping the extension.
  if (chars.length > NAME_MAX) {
    const dot = cleaned.lastIndexOf('.');
    const ext = dot > 0 && cleaned.length - dot <= 16 ? [...cleaned.slice(dot)] : [];
    return [...chars.slice(0, NAME_MAX - ext.length - 1), '…', ...ext].join('');
  }
  return cleaned || 'untitled';
}

/** A MIME type as the browser declared it, or '' when it does not look like one. */
export function declaredType(raw: unknown): string {
  return typeof raw === 'string' && /^[\w.+-]{1,100}\/[\w.+-]{1,100}$/.test(raw) ? raw.toLowerCase() : '';
}
