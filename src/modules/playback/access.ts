// The one answer to "may this listener stream or download this item's files?". Everything
// that hands out a stream or download URL asks here first; the player only displays the result.
//
// Streams: the owner, anyone for free items, and buyers (an entitlement in the commerce ledger,
// by account, verified email or a receipt link) get the full file. Everyone else gets the
// item's preview: nothing, the first N seconds (a separate clip object: the full file's URL is
// never issued), or N full plays counted per listener on the server.
// Downloads: the owner and entitled buyers only. Free items still need a claim (an account or
// an email address) so the creator sees who took them.
import type { Deps } from '../../deps.ts';
import { isEntitled, isEntitledByReceipt } from '../commerce/index.ts';
import * as q from './queries.ts';

export interface Listener {
  /** Signed-in account, if any. */
  userId: string | null;
  /** 'u:<user id>' or 'a:<anonymous cookie id>': whose plays these are. */
  key: string;
  /** A guest's receipt link parameters (?receipt=&exp=&sig=), passed along on playback URLs. */
  receipt: Record<string, string | undefined>;
}

export interface ItemForAccess {
  id: string;
  creator_id: string;
  price_kind: 'free' | 'fixed' | 'pwyw';
  preview_mode: 'off' | 'clip' | 'plays';
  preview_seconds: number;
  preview_plays: number;
}

export type Access =
  | { kind: 'full'; why: 'owner' | 'free' | 'bought' }
  /** Only the first `seconds` of the file, as a separate clip. */
  | { kind: 'clip'; seconds: number }
  /** The full file, as one of the item's free plays: `left` includes this one. */
  | { kind: 'free-play'; left: number }
  | { kind: 'none'; why: 'buy' | 'claim' | 'no-preview' | 'plays-used' };

export async function hasBought(deps: Deps, listener: Listener, itemId: string): Promise<boolean> {
  if (listener.userId && await isEntitled(deps.db, { userId: listener.userId }, itemId)) return true;
  return isEntitledByReceipt(deps, listener.receipt, itemId);
}

export async function accessTo(deps: Deps, listener: Listener, item: ItemForAccess, purpose: 'stream' | 'download'): Promise<Access> {
  if (listener.userId === item.creator_id) return { kind: 'full', why: 'owner' };
  if (await hasBought(deps, listener, item.id)) return { kind: 'full', why: 'bought' };
  if (purpose === 'download') return { kind: 'none', why: item.price_kind === 'free' ? 'claim' : 'buy' };
  if (item.price_kind === 'free') return { kind: 'full', why: 'free' };
  switch (item.preview_mode) {
    case 'off': return { kind: 'none', why: 'no-preview' };
    case 'clip': return { kind: 'clip', seconds: item.preview_seconds };
    case 'plays': {
      const used = await q.fullPlaysStarted(deps.db, item.id, listener.key);
      return used < item.preview_plays ? { kind: 'free-play', left: item.preview_plays - used } : { kind: 'none', why: 'plays-used' };
    }
  }
}

/** Words for a refusal, shown by the player, the download buttons and the no-JS pages. */
export function refusalMessage(why: Extract<Access, { kind: 'none' }>['why']): string {
  switch (why) {
    case 'buy': return 'Buy this to download it.';
    case 'claim': return 'This is free: get it first (it only takes an email address), then download it.';
    case 'no-preview': return 'The creator offers no preview of this. Buy it to listen.';
    case 'plays-used': return 'You have used the free plays of this track. Buy it to keep listening.';
  }
}
