// Download and zip entry names that every common file system accepts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { safeFileName, safeSegment, trackPrefix, truncateUtf8, uniqueNames } from './file-names.ts';

const WINDOWS_FORBIDDEN = /[/\\:*?"<>|\u0000-\u001f]/;

test('characters Windows refuses are replaced; Unicode, emoji and right-to-left text stay', () => {
  assert.equal(safeSegment('AC/DC: Back in Black?'), 'AC-DC- Back in Black_');
  assert.equal(safeSegment('a\\b|c*d"e<f>g'), 'a-b-c_d_e_f_g');
  assert.equal(safeSegment('Живой 🎸 концерт'), 'Живой 🎸 концерт');
  assert.equal(safeSegment('حفلة موسيقية'), 'حفلة موسيقية');
  assert.equal(safeSegment('tab\tnew\nline\u0000nul'), 'tab new linenul');
  for (const hostile of ['../../etc/passwd', '..', '.', '   ', '', '\u202Egnp.exe', 'CON', 'nul.txt', 'COM1', 'trailing...', 'space. . ']) {
    const s = safeSegment(hostile);
    assert.ok(s.length > 0, hostile);
    assert.doesNotMatch(s, WINDOWS_FORBIDDEN, hostile);
    assert.doesNotMatch(s, /[. ]$/, `${hostile}: no trailing dot or space`);
    assert.doesNotMatch(s, /^(con|nul|com1)(\.|$)/i, `${hostile}: no reserved device name`);
    assert.doesNotMatch(s, /\u202E/, 'no bidi override that disguises the extension');
    assert.notEqual(s, '..');
  }
  assert.equal(safeSegment('CON'), '_CON');
});

test('long names are cut to 200 UTF-8 bytes without splitting a character, keeping the extension', () => {
  const long = '🎵'.repeat(100) + 'é'.repeat(100);
  const name = safeFileName(long, 'flac');
  assert.ok(Buffer.byteLength(name) <= 200, String(Buffer.byteLength(name)));
  assert.ok(name.endsWith('.flac'));
  assert.doesNotMatch(name, /\uFFFD/);
  assert.equal([...truncateUtf8('a🎵b', 4)].join(''), 'a', 'a 4-byte emoji does not fit in 3 bytes');
  assert.equal(truncateUtf8('a🎵b', 5), 'a🎵');
});

test('extensions are plain and lower case; empty stems fall back', () => {
  assert.equal(safeFileName('Song', 'MP3'), 'Song.mp3');
  assert.equal(safeFileName('Song', '../x'), 'Song.x');
  assert.equal(safeFileName('???', 'ogg'), '___.ogg');
  assert.equal(safeFileName('', 'ogg'), 'file.ogg');
});

test('names in one folder are unique, compared as Windows and macOS compare them', () => {
  assert.deepEqual(uniqueNames(['Intro.mp3', 'intro.mp3', 'INTRO.mp3', 'Outro.mp3']), ['Intro.mp3', 'intro (2).mp3', 'INTRO (3).mp3', 'Outro.mp3']);
  assert.equal(trackPrefix(3, 12), '03');
  assert.equal(trackPrefix(7, 120), '007');
});
