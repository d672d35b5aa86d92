// One image a creator sets: a project's or an item's cover, or their avatar. Shows the image in
// use (or that there is none), an upload on its way (polled by htmx until it is decided) or why
// it failed, the uploader (one image; a plain form without JavaScript) and a Remove button.
import { CsrfField } from '../../../ui/form.tsx';
import { imageSrcset, imageUrl, type ImageSlotState } from '../images.ts';

const LABELS = { item_cover: 'Cover', project_cover: 'Cover', avatar: 'Avatar' } as const;
const HINTS = {
  item_cover: 'Shown on the item page and embedded in its audio downloads (instead of the project cover).',
  project_cover: 'Shown on the project page and embedded in the downloads of its tracks that have no cover of their own.',
  avatar: 'Shown on your public page and next to your work.',
} as const;

export function slotQuery(s: Pick<ImageSlotState, 'target' | 'itemId' | 'projectId'>): string {
  const params = new URLSearchParams({ target: s.target });
  if (s.itemId) params.set('itemId', s.itemId);
  if (s.projectId) params.set('projectId', s.projectId);
  return params.toString();
}

export function ImageSlot(p: { slot: ImageSlotState; csrfToken: string }) {
  const { slot } = p;
  const query = slotQuery(slot);
  const moving = slot.pending && !['failed', 'quarantined'].includes(slot.pending.state);
  const id = `image-slot-${slot.target}`;
  return (
    <div id={id} class="image-slot" data-state={slot.pending?.state ?? (slot.currentKey ? 'set' : 'empty')}
      hx-get={`/dashboard/media/image-slot?${query}`} hx-trigger={moving ? 'every 2s, media-changed from:body' : 'media-changed from:body'}
      hx-swap="outerHTML" aria-live="polite">
      <div class="image-slot-preview">
        {slot.currentKey
          ? <img src={imageUrl(slot.currentKey, 320) ?? ''} srcset={imageSrcset(slot.currentKey)} sizes="10rem" alt={`Current ${LABELS[slot.target].toLowerCase()}`} width="160" height="160" />
          : <p class="empty">No {LABELS[slot.target].toLowerCase()} yet.</p>}
      </div>
      <div class="image-slot-body">
        <p class="hint">{HINTS[slot.target]} JPEG, PNG, WebP or GIF; photo location and camera data are removed.</p>
        {slot.pending ? (
          <p class={moving ? 'image-slot-status' : 'field-error'}>
            {moving ? `Processing ${slot.pending.name}…` : `${slot.pending.name} could not be used: ${slot.pending.reason ?? 'unknown problem'}`}
          </p>
        ) : null}
        <div class="uploader uploader-single" data-uploader data-target={slot.target} data-item-id={slot.itemId ?? undefined}
          data-project-id={slot.projectId ?? undefined} data-accept="image/*" data-single="">
          <form method="post" action={`/dashboard/media/upload?${query}`} enctype="multipart/form-data" class="stack-form uploader-fallback">
            <CsrfField token={p.csrfToken} />
            <div class="field">
              <label for={`${id}-file`}>{slot.currentKey ? `Replace the ${LABELS[slot.target].toLowerCase()}` : `Add a ${LABELS[slot.target].toLowerCase()}`}</label>
              <input id={`${id}-file`} name="file" type="file" accept="image/*" required />
            </div>
            <div class="wizard-actions"><button type="submit" class="button button-secondary">Upload</button></div>
          </form>
        </div>
        {slot.currentKey || slot.pending ? (
          <form method="post" action={`/dashboard/media/image-slot/remove?${query}`} class="inline-form"
            hx-post={`/dashboard/media/image-slot/remove?${query}`} hx-target={`#${id}`} hx-swap="outerHTML">
            <CsrfField token={p.csrfToken} />
            <button type="submit" class="link-button">Remove the {LABELS[slot.target].toLowerCase()}</button>
          </form>
        ) : null}
      </div>
    </div>
  );
}
