// `npm run bench`: every benchmark in bench/, one after the other (each starts its own database
// and processes), then ONE table — figure, value, baseline measured in the same run, ratio,
// budget (bench/budgets.ts), PASS/FAIL — and exit 1 on any FAIL.
//   npm run bench -- search pages     only those benches
//   npm run bench -- --smoke          small sizes and short runs (what .ci/run uses)
// A bench that crashes is a FAIL row with its error; the others still run.
import { judge, printTable, type Bench, type Verdict } from './lib.ts';

const BENCHES: Record<string, () => Promise<{ run: Bench }>> = {
  search: () => import('./search.ts'),
  ingest: () => import('./ingest.ts'),
  process: () => import('./process.ts'),
  album: () => import('./album.ts'),
  webhooks: () => import('./webhooks.ts'),
  playback: () => import('./playback.ts'),
  pages: () => import('./pages.ts'),
  weight: () => import('./weight.ts'),
};

const args = process.argv.slice(2);
const smoke = args.includes('--smoke') || process.env.BENCH_SMOKE === '1';
const names = args.filter((a) => !a.startsWith('--'));
const unknown = names.filter((n) => !(n in BENCHES));
if (unknown.length) {
  console.error(`Unknown bench ${unknown.join(', ')}. Benches: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
const chosen = names.length ? names : Object.keys(BENCHES);

const verdicts: Verdict[] = [];
const crashed: string[] = [];
const started = performance.now();
for (const name of chosen) {
  const t0 = performance.now();
  console.log(`\n=== ${name}${smoke ? ' (smoke)' : ''} ===`);
  try {
    const { run } = await BENCHES[name]!();
    for (const f of await run({ smoke })) verdicts.push(judge(name, f));
  } catch (err) {
    console.error(`${name} crashed:`, err);
    crashed.push(`${name}: ${(err as Error).message}`);
  }
  console.log(`=== ${name} took ${((performance.now() - t0) / 1000).toFixed(0)} s ===`);
}

printTable(verdicts);
for (const c of crashed) console.log(`FAIL  bench crashed — ${c}`);
console.log(`benches: ${chosen.join(', ')}${smoke ? ' (smoke)' : ''}; ${((performance.now() - started) / 1000).toFixed(0)} s`);
process.exit(crashed.length || verdicts.some((v) => !v.pass) ? 1 : 0);
