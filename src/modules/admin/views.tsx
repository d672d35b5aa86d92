// The admin index: one card per admin page, with what needs attention.
export interface AdminPageLink { href: string; title: string; description: string; status?: string; attention?: boolean }

export function AdminIndexPage(p: { pages: AdminPageLink[] }) {
  return (
    <section>
      <h1>Admin</h1>
      <p class="muted">Pages for running the platform. Only admins see this; grant the role with <code>npm run admin -- grant &lt;username&gt;</code>.</p>
      <ul class="card-grid">
        {p.pages.map((page) => (
          <li class="card">
            <h2><a href={page.href}>{page.title}</a></h2>
            <p>{page.description}</p>
            {page.status ? <p><span class={page.attention ? 'badge badge-attention' : 'badge'}>{page.status}</span></p> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
