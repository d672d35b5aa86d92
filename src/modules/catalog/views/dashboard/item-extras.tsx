// Beside the details step: versions (audio, video, downloads) and chapters (audio). Each has
// its own small form, posted on its own.
import { Field } from '../../../../ui/form.tsx';
import { formatClock } from '../../../../ui/format.ts';
import { DateInput, PostForm, TextArea } from './fields.tsx';
import type { ChapterRow, WizardProps } from './item-wizard.tsx';

export function chaptersText(chapters: ChapterRow[]): string {
  return chapters.map((c) => `${formatClock(c.start_seconds)} ${c.title}`).join('\n');
}

export function VersionsSection(p: WizardProps) {
  const base = `/dashboard/items/${p.item.id}/versions`;
  const v = p.version?.values ?? {};
  const e = p.version?.errors ?? {};
  return (
    <section aria-labelledby="versions" class="dash-section wizard-extra" id="versions-section">
      <h2 id="versions">Versions</h2>
      <p class="muted">When you release an update — a remaster, a re-cut, a new build — add a version with what changed.
        Fans who own the item see the changelog.</p>
      {p.versions.length === 0 ? <p class="empty">No versions yet.</p> : (
        <table class="list dash-table">
          <thead><tr><th scope="col">Version</th><th scope="col">Released</th><th scope="col">Changes</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            {p.versions.map((version) => (
              <tr>
                <td>{version.label}</td>
                <td><time datetime={version.released_on}>{version.released_on}</time></td>
                <td class="dash-changelog">{version.changelog || <span class="muted">—</span>}</td>
                <td>
                  <PostForm action={`${base}/${version.id}/delete`} csrfToken={p.csrfToken} class="inline-form">
                    <button type="submit" class="link-button">Delete<span class="visually-hidden"> version {version.label}</span></button>
                  </PostForm>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Add a version</h3>
      <PostForm action={base} csrfToken={p.csrfToken} errors={e} class="stack-form wide-form">
        <Field name="label" label="Version" value={v.label} error={e.label} maxlength={50} required hint="For example 1.1, “Remastered” or 2026-edit." />
        <DateInput name="released_on" label="Release date" value={v.released_on} error={e.released_on} hint="Empty means today." />
        <TextArea name="changelog" label="What changed" value={v.changelog} error={e.changelog} maxlength={10_000} rows={4} hint="Markdown." />
        <div class="wizard-actions"><button type="submit" class="button button-secondary">Add version</button></div>
      </PostForm>
    </section>
  );
}

export function ChaptersSection(p: WizardProps) {
  const value = p.chaptersForm?.value ?? chaptersText(p.chapters);
  const error = p.chaptersForm?.error;
  return (
    <section aria-labelledby="chapters" class="dash-section wizard-extra" id="chapters-section">
      <h2 id="chapters">Chapters</h2>
      <PostForm action={`/dashboard/items/${p.item.id}/chapters`} csrfToken={p.csrfToken} errors={error ? { chapters: error } : {}} class="stack-form wide-form">
        <TextArea name="chapters" label="Chapters" value={value} error={error} rows={6} class="wizard-mono"
          hint="One per line: start time, a space, then the title — “0:00 Intro”, “3:15 Chorus”, “1:02:30 Q&A”. Empty removes all chapters." />
        <div class="wizard-actions"><button type="submit" class="button button-secondary">Save chapters</button></div>
      </PostForm>
    </section>
  );
}
