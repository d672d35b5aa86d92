// Album benchmark: `npx tsx bench/album.ts` alone, or `npm run bench -- album`.
//
// Ten real tracks (Debian's wesnoth-1.16-music, Ogg Vorbis, 14–95 s, 9 minutes in all) go end
// to end as an album upload ("Add tracks"): each file stored as an upload of a new draft audio
// item and queued, the real worker (graphile-worker, concurrency = number of cores, override
// with BENCH_CONCURRENCY) processing them, until every track is ready with its title adopted
// from its tags. Baseline in the same run: the ffmpeg/ffprobe commands processFile spawns for
// each track, replayed bare with the same parallelism (one track per slot at a time).
// Budget (bench/budgets.ts, album.end-to-end): end-to-end wall time / bare parallel time ≤ 1.25.
// --smoke: four tracks.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createProject } from '../src/modules/catalog/projects-service.ts';
import { taskList } from '../src/jobs.ts';
import { ingestLocalFile } from '../src/modules/media/index.ts';
import { WESNOTH_MUSIC_DIR } from '../src/modules/media/processing/fixtures.ts';
import { processFile } from '../src/modules/media/processing/index.ts';
import { startWorker } from '../src/platform/queue.ts';
import { isMain, runAlone, type Bench } from './lib.ts';
import { mediaBenchEnv } from './media-env.ts';

const ALBUM = ['elf-land', 'victory2', 'defeat2', 'sad', 'transience', 'main_menu', 'battle-epic', 'revelation', 'frantic-old', 'love_theme']
  .map((n) => path.join(WESNOTH_MUSIC_DIR, `${n}.ogg`));

interface Command { bin: string; args: string[] }
const spawnBare = (c: Command) => new Promise<void>((resolve, reject) => {
  const child = spawn(c.bin, c.args, { stdio: 'ignore' });
  child.on('error', reject);
  child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${c.bin} exited ${code}`))));
});

/** Runs tasks with at most `n` at a time, in order of the list. */
async function parallel<T>(items: T[], n: number, work: (item: T) => Promise<void>) {
  const queue = [...items];
  await Promise.all(Array.from({ length: n }, async () => { for (let x = queue.shift(); x !== undefined; x = queue.shift()) await work(x); }));
}

export const run: Bench = async ({ smoke }) => {
  const TRACKS = smoke ? ALBUM.slice(0, 4) : ALBUM;
  const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? os.cpus().length);
  if (TRACKS.some((t) => !existsSync(t))) throw new Error('wesnoth-1.16-music is missing: apt-get install -y wesnoth-1.16-music');
  const env = await mediaBenchEnv('album', { poolSize: CONCURRENCY + 8 });
  try {
    const { deps, viewer } = env;
    // Record each track's commands (and the tag files they read) with one processFile run.
    const recorded: { workDir: string; commands: Command[]; side: Map<string, Buffer>; seconds: number }[] = [];
    for (const [i, track] of TRACKS.entries()) {
      const workDir = path.join(env.dir, `bare-${i}`);
      const commands: Command[] = [];
      const side = new Map<string, Buffer>();
      const r = await processFile({ inputPath: track, workDir, tags: { artist: 'Bench Creator', album: 'Bench album' }, onCommand: (bin, args) => {
        commands.push({ bin, args: [...args] });
        for (const a of args) if (a.startsWith('file:') && a.endsWith('.ffmeta') && existsSync(a.slice(5))) side.set(a.slice(5), readFileSync(a.slice(5)));
      } });
      if (r.state !== 'ready') throw new Error(`${track}: ${r.reason}`);
      recorded.push({ workDir, commands, side, seconds: r.metadata.audio!.duration });
    }
    const audioSeconds = recorded.reduce((s, r) => s + r.seconds, 0);
    console.log(`album: ${TRACKS.length} tracks, ${(audioSeconds / 60).toFixed(1)} min of audio; worker concurrency ${CONCURRENCY} (${os.cpus().length} cores)`);

    let t = performance.now();
    await parallel(recorded, CONCURRENCY, async (r) => {
      await rm(r.workDir, { recursive: true, force: true });
      await mkdir(path.join(r.workDir, '.tmp'), { recursive: true });
      for (const [p, content] of r.side) await writeFile(p, content);
      for (const c of r.commands) await spawnBare(c);
    });
    const bareMs = performance.now() - t;
    console.log(`album: bare ffmpeg, ${CONCURRENCY} tracks at a time: ${(bareMs / 1000).toFixed(1)} s`);

    const project = await createProject(deps, viewer, { title: 'Bench album', description: '' });
    const runner = await startWorker({ pool: deps.pool, tasks: taskList(deps), concurrency: CONCURRENCY, log: deps.log });
    t = performance.now();
    const ids: string[] = [];
    for (const track of TRACKS) {
      const r = await ingestLocalFile(deps, viewer, { target: 'track', projectId: project.id, albumBase: 0 }, track, { name: path.basename(track) });
      ids.push(r.fileId);
    }
    const ingestMs = performance.now() - t;
    for (;;) {
      const rows = await deps.db.selectFrom('media_files').select(['state', 'state_reason', 'original_name']).where('id', 'in', ids).execute();
      const bad = rows.find((r) => r.state === 'failed' || r.state === 'quarantined');
      if (bad) throw new Error(`${bad.original_name}: ${bad.state_reason}`);
      if (rows.every((r) => r.state === 'ready')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const e2eMs = performance.now() - t;
    await runner.stop();
    const titles = await deps.db.selectFrom('items').select(['title', 'position']).where('project_id', '=', project.id).orderBy('position').execute();
    console.log(`album: tracks as the album shows them: ${titles.map((x) => `${x.position}. ${x.title}`).join(' · ')}`);
    console.log(`album: end to end: ${(e2eMs / 1000).toFixed(1)} s (ingest of all ${(ingestMs / 1000).toFixed(1)} s), ${(audioSeconds / (e2eMs / 1000)).toFixed(1)}× real time`);
    return [{ budget: 'album.end-to-end', value: e2eMs / 1000, baseline: bareMs / 1000,
      detail: `${TRACKS.length} tracks, ${(audioSeconds / 60).toFixed(1)} min of audio, worker concurrency ${CONCURRENCY}; ingest ${(ingestMs / 1000).toFixed(1)} s; ${(audioSeconds / (e2eMs / 1000)).toFixed(1)}× real time` }];
  } finally {
    await env.close();
  }
};

if (isMain(import.meta.url)) await runAlone('album', run);
