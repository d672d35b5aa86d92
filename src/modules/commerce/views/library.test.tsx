// The library view's per-line `actions` slot (filled by the playback module): placed beside
// single items and beside each item of an album, and only where the buyer still has access.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LibraryPage, type LibraryOrder } from './library.tsx';

const order = (o: Partial<LibraryOrder>): LibraryOrder => ({
  order_id: 'o1', kind: 'purchase', created_at: new Date('2026-01-02T00:00:00Z'), currency: 'EUR', amount_paid: 500, entitled: true, state: 'paid',
  creator_username: 'ana', creator_name: 'Ana', lines: [], ...o,
});

test('actions render beside single items and album items, not for revoked purchases', () => {
  const html = String(<LibraryPage justBought={undefined} orders={[
    order({ lines: [{ item_id: 'i1', title: 'Single', actions: <button type="button">Play single</button> }] }),
    order({ order_id: 'o2', lines: [{ item_id: null, project_id: 'p1', title: 'Album', actions: <a href="/zip">Download album</a>,
      items: [{ item_id: 'i2', title: 'Track', actions: <button type="button">Play track</button> }] }] }),
    order({ order_id: 'o3', entitled: false, state: 'refunded', lines: [{ item_id: 'i3', title: 'Gone', actions: <button type="button">Play gone</button> }] }),
  ]} />);
  assert.match(html, /<a href="\/i\/i1">Single<\/a>[\s\S]*?<span class="library-actions"><button type="button">Play single<\/button><\/span>/);
  assert.match(html, /<a href="\/zip">Download album<\/a>/);
  assert.match(html, /<a href="\/i\/i2">Track<\/a><span class="library-actions"><button type="button">Play track<\/button><\/span>/);
  assert.doesNotMatch(html, /Play gone/);
  assert.match(html, /refunded — no longer available/);
});
