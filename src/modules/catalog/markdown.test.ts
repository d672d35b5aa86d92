import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  MARKDOWN_MAX_LENGTH, MarkdownTooLongError, markdownExcerpt, renderMarkdown,
} from './markdown.ts';

const REL = 'rel="nofollow ugc noopener noreferrer"';

const ALLOWED: Record<string, string[]> = {
  p: [], br: [], hr: [], em: [], strong: [], del: [], code: ['class'], pre: [], blockquote: [], ul: [],
  ol: ['start'], li: [], h2: [], h3: [], h4: [], a: ['href', 'title', 'rel'], img: ['src', 'alt', 'title'],
  table: [], thead: [], tbody: [], tr: [], th: ['align'], td: ['align'],
};

/**
 * Checks the output against the allowlist independently of the sanitiser.
 * Output text always has "<" escaped and attribute values are always
 * double-quoted with '"' escaped, so this small tokenizer is exact.
 */
function assertSafeHtml(html: string, context: string): void {
  assert.ok(!html.includes('\u0000'), `NUL in output for ${context}`);
  for (const tag of html.matchAll(/<\/?([a-z0-9]+)([^>]*)>/g)) {
    const [, name = '', rest = ''] = tag;
    assert.ok(name in ALLOWED, `<${name}> for ${context}`);
    for (const attr of rest.matchAll(/\s([^\s=/]+)(?:="([^"]*)")?/g)) {
      const [, attrName = '', value = ''] = attr;
      assert.ok(ALLOWED[name]?.includes(attrName), `${name}[${attrName}] for ${context}`);
      if (attrName === 'href' || attrName === 'src') {
        const decoded = value.replaceAll('&amp;', '&').replace(/[\u0000-\u0020]/g, '');
        const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(decoded)?.[1]?.toLowerCase();
        const allowed = attrName === 'src' ? ['http', 'https'] : ['http', 'https', 'mailto', undefined];
        assert.ok(allowed.includes(scheme), `${name}[${attrName}]=${value} for ${context}`);
        if (attrName === 'src') assert.match(decoded, /^https?:\/\//i, context);
      }
      if (attrName === 'rel') assert.equal(value, 'nofollow ugc noopener noreferrer', context);
    }
  }
}

function maxNesting(html: string): number {
  let depth = 0;
  let max = 0;
  for (const [, closing, name] of html.matchAll(/<(\/?)([a-z0-9]+)[^>]*>/g)) {
    if (closing) depth -= 1;
    else if (!['br', 'hr', 'img'].includes(name ?? '')) max = Math.max(max, (depth += 1));
  }
  return max;
}

describe('renderMarkdown: formatting', () => {
  it('renders common markdown', () => {
    const html = renderMarkdown([
      '# Title', '', '###### Small', '', 'Some *em*, **strong**, ~~gone~~ and `code`.  ', 'next line',
      '', '> quoted', '', '- one', '- two', '', '3. three', '4. four', '', '---', '',
      '```js', 'const a = 1 < 2;', '```', '', '| a | b |', '|:--|--:|', '| 1 | 2 |',
    ].join('\n'));
    assert.match(html, /<h2>Title<\/h2>/); // h1 is reserved for the page title
    assert.match(html, /<h4>Small<\/h4>/);
    assert.match(html, /<em>em<\/em>, <strong>strong<\/strong>, <del>gone<\/del> and <code>code<\/code>\.<br \/>/);
    assert.match(html, /<blockquote>\s*<p>quoted<\/p>\s*<\/blockquote>/);
    assert.match(html, /<ul>\s*<li>one<\/li>\s*<li>two<\/li>\s*<\/ul>/);
    assert.match(html, /<ol start="3">/);
    assert.match(html, /<hr \/>/);
    assert.match(html, /<pre><code class="language-js">const a = 1 &lt; 2;\n<\/code><\/pre>/);
    assert.match(html, /<th align="left">a<\/th>\s*<th align="right">b<\/th>/);
  });

  it('adds rel to every link and never sets target', () => {
    assert.equal(renderMarkdown('[x](https://example.com/a?b=1&c=2)'),
      `<p><a href="https://example.com/a?b=1&amp;c=2" ${REL}>x</a></p>\n`);
    assert.equal(renderMarkdown('<a href="https://example.com" target="_blank" rel="opener">x</a>'),
      `<p><a href="https://example.com" ${REL}>x</a></p>\n`);
    assert.match(renderMarkdown('[about](/about) [top](#top) [mail](mailto:a@example.com)'),
      new RegExp(`href="/about" ${REL}.*href="#top" ${REL}.*href="mailto:a@example.com" ${REL}`));
    assert.match(renderMarkdown('see https://example.com/x'), new RegExp(`<a href="https://example.com/x" ${REL}>`));
  });

  it('handles link labels with brackets, escapes and code', () => {
    for (const label of ['a [b] c', 'a \\] b', 'a `]` b', 'a `[x](y)` b']) {
      assert.match(renderMarkdown(`[${label}](https://example.com)`), new RegExp(`<a href="https://example.com" ${REL}>`), label);
    }
    assert.match(renderMarkdown('![a [b] c](https://example.com/i.png)'), /<img src="https:\/\/example.com\/i.png" alt="a \[b\] c" \/>/);
    assert.equal(renderMarkdown('[1] and [x] (y) are not links'), '<p>[1] and [x] (y) are not links</p>\n');
  });

  it('keeps only absolute http(s) images', () => {
    assert.equal(renderMarkdown('![cat](https://example.com/cat.png "Cat")'),
      '<p><img src="https://example.com/cat.png" alt="cat" title="Cat" /></p>\n');
    for (const src of ['/local.png', '//evil.example/x.png', 'data:image/png;base64,AAAA', 'javascript:alert(1)', 'x']) {
      assert.doesNotMatch(renderMarkdown(`![a](${src})`), /<img/, src);
      assert.doesNotMatch(renderMarkdown(`<img src="${src}">`), /<img/, src);
    }
  });

  it('preserves emoji and right-to-left text, and strips NUL bytes', () => {
    const text = 'Launch 🎉👩‍👩‍👧 — مرحبا بالعالم — שלום \u202Eabc';
    assert.equal(renderMarkdown(text), `<p>${text}</p>\n`);
    assert.equal(renderMarkdown('a\u0000b\u0000'), '<p>ab</p>\n');
    assert.equal(renderMarkdown('**\u0000bold**'), '<p><strong>bold</strong></p>\n');
  });

  it('renders empty input as empty output', () => {
    assert.equal(renderMarkdown(''), '');
    assert.equal(renderMarkdown('   \n\n'), '');
  });
});

describe('renderMarkdown: sanitising', () => {
  const attacks: Array<[string, RegExp | string]> = [
    ['<script>alert(1)</script>after', 'after'],
    ['<img src=x onerror=alert(1)>', ''],
    ['<img src="https://example.com/a.png" onerror="alert(1)">', '<img src="https://example.com/a.png" />'],
    ['[x](javascript:alert(1))', '<p>x</p>\n'],
    ['[x](JAVASCRIPT:alert(1))', '<p>x</p>\n'],
    ['[x](JaVaScRiPt:alert(1))', '<p>x</p>\n'],
    ['[x](&#106;avascript:alert(1))', '<p>x</p>\n'],
    ['[x](&#x6A;avascript:alert(1))', '<p>x</p>\n'],
    ['[x]( javascript:alert(1) )', '<p>x</p>\n'],
    ['[x](<javascript:alert(1)>)', '<p>x</p>\n'],
    ['[x](vbscript:msgbox(1))', '<p>x</p>\n'],
    ['[x](data:text/html,<script>alert(1)</script>)', '<p>x</p>\n'],
    ['[ref]\n\n[ref]: javascript:alert(1)', '<p>ref</p>\n'],
    ['<a href="data:text/html,<script>alert(1)</script>">d</a>', '<p>d</p>\n'],
    ['<a href="jav&#x09;ascript:alert(1)">t</a>', '<p>t</p>\n'],
    ['<a href="  JaVaScRiPt:alert(1)">t</a>', '<p>t</p>\n'],
    ['<a href="https://example.com" onclick="steal()">ok</a>', `<p><a href="https://example.com" ${REL}>ok</a></p>\n`],
    ['<iframe src="https://evil.example"></iframe>after', 'after'],
    ['<style>body { display: none }</style>after', 'after'],
    ['<p style="position:fixed" class="x" id="y">styled</p>', '<p>styled</p>'],
    ['<div onmouseover="alert(1)">div</div>', 'div'],
    ['<details open ontoggle=alert(1)>x</details>', 'x'],
    ['<svg><script>alert(1)</script></svg>', /^(?:<p><\/p>\n)?$/],
    ['<math><mi xlink:href="javascript:alert(1)">x</mi></math>', /^(?:<p><\/p>\n)?$/],
    ['<form action="https://evil.example"><input name="card"></form>', ''],
    ['<object data="x.swf"></object><embed src="x.swf">', /^(?:<p><\/p>\n)?$/],
    ['<base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=https://evil.example">', ''],
    ['<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)">x</a>', /x<\/a>/],
  ];

  it('removes scripts, handlers, styles and unsafe URLs', () => {
    for (const [source, expected] of attacks) {
      const html = renderMarkdown(source);
      assertSafeHtml(html, source);
      if (typeof expected === 'string') assert.equal(html, expected, source);
      else assert.match(html, expected, source);
    }
  });

  it('stays safe for random mixes of hostile fragments (property)', () => {
    const fragments = [
      '<script>', '</script>', '<img src=x onerror=alert(1)>', '[a](javascript:x)', '<a href="', 'javascript:',
      '&#106;', '"', "'", '>', '<', '*', '_', '`', '](', ')', '\n', '> ', '- ', '<style>', 'data:', ' onload=',
      '<iframe>', '<svg>', '&lt;', '![i](', 'https://e.com/', '\u0000', '<!--', '-->', '<![CDATA[', 'text',
    ];
    let seed = 99;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let n = 0; n < 2000; n++) {
      let source = '';
      for (let k = 0; k < 12; k++) source += fragments[Math.floor(rand() * fragments.length)];
      assertSafeHtml(renderMarkdown(source), JSON.stringify(source));
    }
  });
});

describe('renderMarkdown: limits', () => {
  it('rejects input over MARKDOWN_MAX_LENGTH with a typed error instead of truncating', () => {
    assert.doesNotThrow(() => renderMarkdown('a'.repeat(MARKDOWN_MAX_LENGTH)));
    assert.throws(() => renderMarkdown('a'.repeat(MARKDOWN_MAX_LENGTH + 1)), (error: unknown) => {
      assert.ok(error instanceof MarkdownTooLongError);
      assert.equal(error.name, 'MarkdownTooLongError');
      assert.equal(error.length, MARKDOWN_MAX_LENGTH + 1);
      return true;
    });
    assert.throws(() => renderMarkdown(undefined as unknown as string), TypeError);
  });

  // Unguarded, marked 16 overflows its stack or renders these for minutes; the guards cap nesting
  // and slow inline patterns. Checked by structure, not by the clock (timings belong in bench/):
  // a regression to minutes still shows as a test run that does not finish.
  const hostile: Array<[string, string]> = [
    ['10 000 nested quotes', `${'>'.repeat(10_000)} deep`],
    ['10 000 spaced quotes', `${'> '.repeat(10_000)}deep`],
    ['10 000 nested bullets', `${'- '.repeat(10_000)}deep`],
    ['10 000 nested ordered items', `${'1. '.repeat(10_000)}deep`],
    ['indented list 300 levels', Array.from({ length: 300 }, (_, i) => `${'  '.repeat(i)}- deep`).join('\n')],
    ['quotes and lists mixed', `${'> - '.repeat(5_000)}deep`],
    ['10 000 nested emphasis', `${'*'.repeat(10_000)}deep${'*'.repeat(10_000)}`],
    ['10 000 raw divs', `${'<div>'.repeat(10_000)}deep`],
    ['unclosed links', `${'[a](b'.repeat(19_000)} deep`],
    ['unclosed links with parens', `${`${'[x]('.repeat(240)} a )`.repeat(100)} deep`],
    ['unmatched openers', '_a '.repeat(30_000) + 'deep'],
    ['nested strong/em', `${'*a **a '.repeat(7_000)}deep${' a** a*'.repeat(7_000)}`],
    ['intraword underscores', 'a_b'.repeat(33_000) + ' deep'],
    ['strikethrough openers', '~a '.repeat(33_000) + 'deep'],
  ];
  for (const [name, source] of hostile) {
    it(`renders ${name} safely, without overflowing`, () => {
      assert.ok(source.length <= MARKDOWN_MAX_LENGTH);
      const html = renderMarkdown(source);
      assertSafeHtml(html, name);
      assert.ok(maxNesting(html) <= 64, `${name}: nested ${maxNesting(html)} deep`);
      assert.match(html, /deep/);
    });
  }

  it('keeps nesting within a sane depth but keeps the text', () => {
    const html = renderMarkdown(`${'>'.repeat(10_000)} deep`);
    const levels = (html.match(/<blockquote>/g) ?? []).length;
    assert.ok(levels >= 5 && levels <= 20, `${levels} levels`);
    assert.match(html, /deep/);
  });

  it('still formats long ordinary documents completely', () => {
    const sentence = 'A sentence about a product with *some emphasis* and a [link](https://example.com/p) in it. ';
    const paragraph = sentence.repeat(40); // ~3 700 chars: longer than any internal window
    const source = `${paragraph}\n\n`.repeat(25);
    assert.ok(source.length < MARKDOWN_MAX_LENGTH);
    const html = renderMarkdown(source);
    assert.equal((html.match(/<em>some emphasis<\/em>/g) ?? []).length, 1000);
    assert.equal((html.match(/<a href="https:\/\/example.com\/p"/g) ?? []).length, 1000);
    // Citations, arithmetic and snake_case are not link or emphasis attempts
    // worth charging for; formatting must survive to the end of the document.
    let cited = '';
    for (let i = 0; cited.length < 90_000; i += 1) {
      cited += `Result [${i}] (see appendix) holds, 2 * 3 = 6 in snake_case, *noted*.${i % 30 === 29 ? '\n\n' : ' '}`;
    }
    const citedHtml = renderMarkdown(cited);
    assert.equal((citedHtml.match(/<em>noted<\/em>/g) ?? []).length, (cited.match(/\*noted\*/g) ?? []).length);
    const longUrl = `https://example.com/${'x'.repeat(700)}`;
    assert.match(renderMarkdown(`${'word '.repeat(300)}[long](${longUrl}) end`), new RegExp(`<a href="${longUrl}"`));
  });
});

describe('markdownExcerpt', () => {
  it('returns plain text with entities decoded and whitespace collapsed', () => {
    const source = '# Hello *world*\n\nThis is **bold** & <b>raw</b> text, a [link](https://x.example) and `code`.\n\n- one\n- two';
    assert.equal(markdownExcerpt(source, 500), 'Hello world This is bold & raw text, a link and code. one two');
    assert.equal(markdownExcerpt('Tom &amp; Jerry &lt;3 "quotes"', 500), 'Tom & Jerry <3 "quotes"');
    assert.equal(markdownExcerpt('&quot;x&quot; &copy; &#169; a&nbsp;b \\<b\\>', 500), '"x" © © a b <b>');
    assert.equal(markdownExcerpt('<script>alert(1)</script>safe', 500), 'safe');
    assert.equal(markdownExcerpt('| a | b |\n|---|---|\n| 1 | 2 |', 500), 'a b 1 2');
  });

  it('truncates at a word boundary with an ellipsis', () => {
    const excerpt = markdownExcerpt('The quick brown fox jumps over the lazy dog', 20);
    assert.equal(excerpt, 'The quick brown fox…');
    assert.ok(excerpt.length <= 20);
    assert.equal(markdownExcerpt('short', 20), 'short');
    assert.equal(markdownExcerpt('a'.repeat(30), 10), `${'a'.repeat(9)}…`);
  });

  it('never splits an emoji or combining sequence', () => {
    const family = '👩‍👩‍👧';
    for (let max = 2; max < 20; max++) {
      const excerpt = markdownExcerpt(`ab${family.repeat(5)}`, max);
      assert.ok(excerpt.length <= max, `${max}: ${excerpt}`);
      assert.ok(excerpt.replace('…', '').replaceAll(family, '').replace(/^a?b?/, '') === '', `${max}: ${excerpt}`);
    }
  });

  it('validates maxChars and the length limit', () => {
    assert.throws(() => markdownExcerpt('x', 0), RangeError);
    assert.throws(() => markdownExcerpt('x', 1.5), RangeError);
    assert.throws(() => markdownExcerpt('x'.repeat(MARKDOWN_MAX_LENGTH + 1), 10), MarkdownTooLongError);
  });
});
