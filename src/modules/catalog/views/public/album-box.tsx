// The project page's "Buy the album" box (a project sold as a whole), and the tip link shown on
// profile and project pages. Forms post to commerce (/projects/<id>/checkout, /tip/<username>).
import { formatMoney, toDecimalString } from '../../money.ts';
import type { PriceKind, PublishStatus } from '../../tables.ts';
import { priceLabel } from '../shared.tsx';

export interface AlbumBuyState { owned: boolean; csrfToken: string; checkoutKey: string; signedIn: boolean }

export interface AlbumForSale {
  id: string; status: PublishStatus; price_kind: PriceKind | null; price_amount: number; price_suggested: number | null; currency: string | null;
}

export function AlbumBuyBox(p: { project: AlbumForSale; itemCount: number; isOwner: boolean; buy: AlbumBuyState }) {
  const { project, buy } = p;
  if (!project.price_kind || !project.currency) return null;
  const price = { price_kind: project.price_kind, price_amount: project.price_amount, price_suggested: project.price_suggested, currency: project.currency };
  const money = (amount: number) => formatMoney({ amount, currency: price.currency });
  const label = price.price_kind === 'free' ? 'Get the album free' : price.price_kind === 'fixed' ? `Buy the album for ${money(price.price_amount)}` : 'Buy the album';
  const what = p.itemCount === 1 ? 'its 1 item' : `all ${p.itemCount} items`;
  return (
    <section class="buy-box card album-buy" id="buy-album" aria-labelledby="buy-album-h">
      <h2 id="buy-album-h">Buy the album</h2>
      <p class="price">{priceLabel(price)}</p>
      <p class="muted">{p.itemCount > 0 ? `One purchase, ${what} — and anything added to this project later.` : 'Nothing in this project is published yet, so there is nothing to buy.'}</p>
      {p.isOwner ? <p class="muted">Fans buy the whole project here. Creators keep 100% of every sale.</p>
        : buy.owned ? <p class="owned"><strong>The album is in your library.</strong> {buy.signedIn ? <a href="/library">Open your library</a> : 'Your receipt email has the link.'}</p>
        : project.status === 'published' && p.itemCount > 0 ? (
          <form method="post" action={`/projects/${project.id}/checkout`} class="stack-form buy-form">
            <input type="hidden" name="_csrf" value={buy.csrfToken} />
            <input type="hidden" name="checkout_key" value={buy.checkoutKey} />
            {price.price_kind === 'pwyw' ? (
              <div class="field">
                <label for="album-amount">Your price ({price.currency})</label>
                <p class="hint" id="album-amount-hint">{price.price_amount > 0 ? `At least ${money(price.price_amount)}` : 'Any amount, or 0 to get it free'}{price.price_suggested ? ` · suggested ${money(price.price_suggested)}` : ''}</p>
                <input id="album-amount" name="amount" inputmode="decimal" required aria-describedby="album-amount-hint"
                  value={toDecimalString({ amount: price.price_suggested ?? price.price_amount, currency: price.currency })} />
              </div>
            ) : null}
            {buy.signedIn ? null : (
              <div class="field">
                <label for="album-email">Email for your receipt</label>
                <p class="hint" id="album-email-hint">No account needed: we email you a link. Log in with this address later to see it in your library.</p>
                <input id="album-email" name="email" type="email" autocomplete="email" required aria-describedby="album-email-hint" />
              </div>
            )}
            <button type="submit" class="button">{label}</button>
          </form>
        ) : <p class="muted">Not on sale yet.</p>}
    </section>
  );
}

/** "Tip <name>": shown to everyone but the creator. */
export function TipLink(p: { username: string; displayName: string }) {
  return <p class="tip-link"><a class="button button-secondary" href={`/tip/${p.username}`}>Tip {p.displayName}</a> <span class="muted">Tips go straight to them; Makenot.work takes no cut.</span></p>;
}
