import { test } from 'node:test';
import { createTestApp } from '../support/app.ts';
import { makeCast, ROLES } from './fixture.ts';
test('discover', async () => {
  const t = await createTestApp();
  const cast = await makeCast(t);
  const seen = new Set<string>();
  const ids = cast.ids;
  const fill = (p: string) => p.replace(':versionId', ids.version).replace(':orderId', ids.order).replace(':sessionId', ids.session)
    .replace(':username', cast.users.owner.viewer.username).replace(':provider', 'local')
    .replace(/:handle\{[^}]*\}\/:slug\{[^}]*\}/, `@${cast.users.owner.viewer.username}/${ids.projectSlug}`).replace(/:handle\{[^}]*\}/, `@${cast.users.owner.viewer.username}`)
    .replace('/storage/*', '/storage/nothing').replace('/tags/*', '/tags/music')
    .replace(/\/dashboard\/projects\/:id/, `/dashboard/projects/${ids.project}`).replace(/\/dashboard\/media\/:id/, `/dashboard/media/${ids.file}`)
    .replace(/\/api\/uploads\/:id/, `/api/uploads/${ids.file}`).replace(/\/library\/orders\/:id/, `/library/orders/${ids.order}`)
    .replace(/\/account\/sessions\/:id/, `/account/sessions/00000000-0000-4000-8000-000000000000`).replace(':id', ids.item);
  const out: string[] = [];
  for (const r of t.app.routes) {
    const k = `${r.method} ${r.path}`;
    if (r.method === 'ALL' || seen.has(k)) continue;
    seen.add(k);
    const p = fill(r.path);
    const st: number[] = [];
    for (const role of ROLES) {
      const c = cast.clients[role];
      const json = p.startsWith('/api/');
      const res = r.method === 'GET' || r.method === 'HEAD' ? await c.send(p, { method: r.method })
        : json ? await c.send(p, { method: r.method, headers: { 'x-csrf-token': c.csrf, 'content-type': 'application/json' }, body: '{}' })
        : await c.send(p, { method: r.method, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: c.csrf }) });
      st.push(res.status);
      if (res.status >= 300 && res.status < 400) st.push(res.headers.get('location') as any);
    }
    out.push(`${k} :: ${p} :: ${JSON.stringify(st)}`);
  }
  console.log(out.join('\n'));
  await t.close();
});
