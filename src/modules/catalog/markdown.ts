// Server-side markdown for creator-written text (product descriptions etc.).
// marked turns markdown into HTML, sanitize-html then enforces an allowlist:
// marked passes raw HTML through, so sanitising is the security boundary and
// everything marked emits is treated as untrusted.
import { Marked, Tokenizer } from 'marked';
import type { TokenizerObject } from 'marked';
import sanitizeHtml from 'sanitize-html';

export const MARKDOWN_MAX_LENGTH = 100_000;

export class MarkdownTooLongError extends Error {
  constructor(readonly length: number) {
    super(`Markdown is ${length} characters; the limit is ${MARKDOWN_MAX_LENGTH}`);
    this.name = 'MarkdownTooLongError';
  }
}

// --- Keeping marked fast on hostile input -----------------------------------
// marked 16 recurses once per nesting level (10 000 nested ">" overflow the
// stack) and several inline rules backtrack super-linearly: unguarded, a 5 KB
// paragraph of "[a](b" repeated takes seconds and 20 KB takes minutes. Bounds:
//  - nesting deeper than MAX_DEPTH renders as literal text;
//  - an inline construct is only looked for within WINDOW characters, so one
//    attempt costs O(WINDOW); a link or emphasis longer than that stays text;
//  - attempts that cannot succeed (no closing character, "[1]" with no "(")
//    are skipped for free; the rest are charged to a per-render budget. Once
//    it is spent, the remaining text keeps its words but loses inline
//    formatting. 100 KB documents of ordinary prose use under a tenth of it.
// Checked against ~380 real READMEs: output is identical to unguarded marked.
// The wrappers call marked's own tokenizers, so they are tied to the pinned
// version; re-run the tests (and re-read this) when upgrading marked.
const MAX_DEPTH = 12;
const WINDOW = 1000;
const INLINE_BUDGET = 500_000;

let depth = 0;
let budget = 0;
const base = Tokenizer.prototype;

const clip = (src: string) => (src.length > WINDOW ? src.slice(0, WINDOW) : src);

function nested<T>(run: () => T): T | undefined {
  if (depth >= MAX_DEPTH) return undefined;
  depth += 1;
  try {
    return run();
  } finally {
    depth -= 1;
  }
}

// A delimiter run must be followed, later on, by the same delimiter again.
const CLOSES_LATER: Record<string, RegExp> = {
  '*': /^\*+[^*]+\*/, _: /^_+[^_]+_/, '~': /^~+[^~]+~/, '`': /^`+[^`]+`/,
};

/**
 * One bounded attempt at an inline construct opening at src[0]. `closer` must
 * appear later in the window, else the attempt is skipped for free, so stray
 * "*" or "[" in ordinary text cost nothing.
 */
function attempt<T extends { raw: string }>(
  src: string, openers: string, closer: string, nests: boolean,
  run: (clipped: string) => T | undefined,
): T | undefined {
  const first = src.charAt(0);
  if (first === '' || !openers.includes(first) || budget <= 0) return undefined;
  const clipped = clip(src);
  const sameChar = CLOSES_LATER[closer];
  if (closer === first && sameChar ? !sameChar.test(clipped) : !clipped.includes(closer, 1)) {
    return undefined;
  }
  const token = nests ? nested(() => run(clipped)) : run(clipped);
  budget -= token ? token.raw.length : clipped.length;
  return token;
}

/**
 * Whether an inline link could start here: the label's closing "]" must be
 * followed by "(", and a ")" must come later. Exact when it says no, so "[1]"
 * citations are free; a code span in the label is left to marked to judge.
 */
function linkMayStart(s: string): boolean {
  let inner = false; // labels may hold one level of balanced brackets
  for (let i = s.startsWith('![') ? 2 : s.startsWith('[') ? 1 : s.length; i < s.length; i += 1) {
    const c = s.charAt(i);
    if (c === '\\') i += 1;
    else if (c === '`') return true;
    else if (c === '[') {
      if (inner) return false;
      inner = true;
    } else if (c === ']') {
      if (!inner) return s.charAt(i + 1) === '(' && s.includes(')', i + 2);
      inner = false;
    }
  }
  return false;
}

const guardedTokenizer: TokenizerObject = {
  blockquote(src) { return nested(() => base.blockquote.call(this, src)); },
  list(src) { return nested(() => base.list.call(this, src)); },
  link(src) {
    // marked's rule backtracks quadratically on an unclosed "(", as in "[x](" repeated.
    if (!linkMayStart(clip(src))) return undefined;
    return attempt(src, '[!', ')', true, (s) => base.link.call(this, s));
  },
  reflink(src, links) { return attempt(src, '[!', ']', true, (s) => base.reflink.call(this, s, links)); },
  emStrong(src, maskedSrc, prevChar = '') {
    // marked's own first checks, done here so "2 * 3" and snake_case are free.
    const open = this.rules.inline.emStrongLDelim.exec(clip(src));
    if (!open || (open[3] && this.rules.other.unicodeAlphaNumeric.test(prevChar))) return undefined;
    return attempt(src, '*_', src.charAt(0), true, (s) => {
      // maskedSrc is the whole inline run; marked aligns it to src by length.
      const start = maskedSrc.length - src.length;
      return base.emStrong.call(this, s, maskedSrc.slice(start, start + s.length), prevChar);
    });
  },
  del(src) { return attempt(src, '~', '~', true, (s) => base.del.call(this, s)); },
  codespan(src) { return attempt(src, '`', '`', false, (s) => base.codespan.call(this, s)); },
  tag(src) { return attempt(src, '<', '>', false, (s) => base.tag.call(this, s)); },
  autolink(src) { return attempt(src, '<', '>', false, (s) => base.autolink.call(this, s)); },
  url(src) {
    // The e-mail branch scans the whole word for "@" at every text position;
    // skip it cheaply when the word has none.
    const clipped = clip(src);
    const end = clipped.search(/\s/);
    const word = end === -1 ? clipped : clipped.slice(0, end);
    if (!/^(?:https?:\/\/|ftp:\/\/|www\.)/i.test(word) && !word.includes('@')) return undefined;
    return base.url.call(this, word);
  },
  inlineText(src) {
    const clipped = clip(src);
    // With nesting capped, a run of over 32 "*" or "_" can't all pair up; taking
    // it whole saves rescanning the run from each of its positions.
    const run = /^(?:\*{33,}|_{33,})/.exec(clipped)?.[0];
    if (run) return { type: 'text', raw: run, text: run, escaped: this.lexer.state.inRawBlock };
    // Plain text has the same e-mail lookahead as url(). If a run of text fills
    // the whole window, cut before its last whitespace so autolinks and "two
    // spaces + newline" hard breaks are not split across two tokens.
    const token = base.inlineText.call(this, clipped);
    if (!token || clipped === src || token.raw.length < clipped.length) return token;
    let cut = clipped.length;
    while (cut > 0 && !/\s/.test(clipped.charAt(cut - 1))) cut -= 1;
    while (cut > 0 && /\s/.test(clipped.charAt(cut - 1))) cut -= 1;
    return cut > 0 ? base.inlineText.call(this, clipped.slice(0, cut)) : token;
  },
};

const marked = new Marked({ async: false, gfm: true, breaks: false, tokenizer: guardedTokenizer });

// --- Sanitising --------------------------------------------------------------
const LINK_REL = 'nofollow ugc noopener noreferrer';

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'hr', 'em', 'strong', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li',
    'h2', 'h3', 'h4', 'a', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel'],
    img: ['src', 'alt', 'title'],
    ol: ['start'],
    th: [{ name: 'align', multiple: false, values: ['left', 'center', 'right'] }],
    td: [{ name: 'align', multiple: false, values: ['left', 'center', 'right'] }],
  },
  allowedClasses: { code: ['language-*'] }, // for syntax highlighting later
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  // Content of these is never meant as text; dropping it avoids leaking CSS/JS as prose.
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'object', 'template', 'title', 'xmp', 'noembed', 'noframes', 'svg', 'math'],
  transformTags: {
    h1: 'h2', // the page title is the only h1
    h5: 'h4',
    h6: 'h4',
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: LINK_REL } }),
  },
  // Relative image URLs would resolve against our own origin; only absolute http(s).
  exclusiveFilter: (frame) => {
    if (frame.tag === 'img') return !/^https?:\/\//i.test(frame.attribs.src ?? '');
    if (frame.tag === 'a' && !frame.attribs.href) return 'excludeTag'; // href was unsafe: keep the text
    return false;
  },
  // Raw-HTML nesting is not bounded by the marked guards above.
  nestingLimit: 64,
};

function assertRenderable(source: string): string {
  if (typeof source !== 'string') throw new TypeError('markdown source must be a string');
  // Callers validate against MARKDOWN_MAX_LENGTH; truncating here would silently lose text.
  if (source.length > MARKDOWN_MAX_LENGTH) throw new MarkdownTooLongError(source.length);
  return source.replaceAll('\u0000', '');
}

const escapeHtml = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

function markdownToHtml(source: string): string {
  depth = 0;
  budget = INLINE_BUDGET;
  try {
    return marked.parse(source, { async: false });
  } catch {
    // Should be unreachable with the guards, but a parser bug must not turn a
    // creator's page into a 500: show the text unformatted instead.
    return source.split(/\n{2,}/).map((para) => `<p>${escapeHtml(para)}</p>`).join('\n');
  }
}

/** Renders creator-supplied markdown to sanitised HTML. */
export function renderMarkdown(source: string): string {
  return sanitizeHtml(markdownToHtml(assertRenderable(source)), SANITIZE);
}

const BLOCK_TAG = /<\/?(?:p|br|hr|pre|blockquote|ul|ol|li|h[2-4]|table|thead|tbody|tr|th|td)\b[^>]*>/g;

/**
 * Plain-text excerpt (no HTML, entities decoded) for listings and meta
 * descriptions; escape it like any other text when embedding.
 */
export function markdownExcerpt(source: string, maxChars: number): string {
  if (!Number.isSafeInteger(maxChars) || maxChars < 1) {
    throw new RangeError(`maxChars must be a positive integer, got ${maxChars}`);
  }
  // sanitize-html output is well-formed ("<" and ">" in text and attribute
  // values are always escaped), so these regexes see only real tags, and
  // &amp; &lt; &gt; are the only entities left in text.
  const text = renderMarkdown(source)
    .replace(BLOCK_TAG, ' ')
    .replace(/<[^>]*>/g, '')
    .replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&')
    .replace(/\s+/g, ' ')
    .trim();
  if (text.length <= maxChars) return text;

  // Cut on grapheme boundaries so emoji and combining marks are never split.
  let cut = '';
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) {
    if (cut.length + segment.length > maxChars - 1) break;
    cut += segment;
  }
  const lastSpace = cut.lastIndexOf(' ');
  const endsWord = text.charAt(cut.length) === ' ';
  if (!endsWord && lastSpace > maxChars * 0.6) cut = cut.slice(0, lastSpace); // prefer whole words
  return `${cut.trimEnd()}…`;
}
